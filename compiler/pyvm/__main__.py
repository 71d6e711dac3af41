from pyvm.cli import main

raise SystemExit(main())
