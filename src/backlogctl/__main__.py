from backlogctl.cli import main

main()
