import sys

from notes.provenance.cli import main

sys.exit(main())
