from custcli.cli import main

main()
