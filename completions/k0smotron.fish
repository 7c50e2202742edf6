# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_k0smotron_global_optspecs
    string join \n kubeconfig= context= n/namespace= o/output= v/verbose no-color connect-timeout= h/help V/version
end

function __fish_k0smotron_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_k0smotron_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_k0smotron_using_subcommand
    set -l cmd (__fish_k0smotron_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c k0smotron -n "__fish_k0smotron_needs_command" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_needs_command" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_needs_command" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s V -l version -d 'Print version'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "doctor" -d 'Check that the mothership is reachable and that we may do everything k0smotron needs'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "version" -d 'Print the client version and, when reachable, the mothership\'s'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l client -d 'Do not contact the mothership'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s V -l version -d 'Print version'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l no-color -d 'No colours (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s V -l version -d 'Print version'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from doctor version completion help" -f -a "doctor" -d 'Check that the mothership is reachable and that we may do everything k0smotron needs'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from doctor version completion help" -f -a "version" -d 'Print the client version and, when reachable, the mothership\'s'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from doctor version completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from doctor version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
