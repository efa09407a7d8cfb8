from ontherecord.cli import main

main()
