from fineauthor.cli.main import main

raise SystemExit(main())
