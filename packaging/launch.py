"""Entry script for the PyInstaller bundle: the same as ``wmo-desk`` on the command line."""

from wmo_desk.__main__ import main

raise SystemExit(main())
