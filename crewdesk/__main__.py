from crewdesk.cli import main

main()
