from fineauthor.cli import main

raise SystemExit(main())
