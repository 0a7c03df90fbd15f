// The allauth headless specification, rendered with the locally served Swagger UI (no CDN, no inline script).
"use strict";
const holder = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: holder.dataset.specUrl,
  dom_id: "#swagger-ui",
  presets: [window.SwaggerUIBundle.presets.apis],
});
