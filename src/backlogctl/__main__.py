from backlogctl.entry import main

main()
