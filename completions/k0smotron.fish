# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_k0smotron_global_optspecs
    string join \n kubeconfig= context= n/namespace= o/output= v/verbose no-color q/quiet connect-timeout= h/help V/version
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
complete -c k0smotron -n "__fish_k0smotron_needs_command" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -s V -l version -d 'Print version'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "create" -d 'Write a k0s control plane to the mothership and wait until it serves'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "backup" -d 'Write one archive of a control plane: its record, certificate authorities and service-account key, and an etcd snapshot'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "restore" -d 'Create a control plane from a backup archive: the same identity, its etcd restored from the snapshot'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "clone" -d 'Create a control plane with the data of another under a new identity (new CAs)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "move" -d 'Move a control plane to another mothership or namespace, as the same identity; the original is deleted only once the moved one answers'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "certs" -d 'Renew a control plane\'s certificates from its kept CAs'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "connect" -d 'Merge a control plane\'s admin kubeconfig into kubectl\'s and switch to it; k0smotron keeps using the mothership'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "disconnect" -d 'Switch kubectl back to the mothership context that `connect` remembered'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "delete" -d 'Delete control planes and everything they own'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "doctor" -d 'Check that the mothership is reachable and that we may do everything k0smotron needs'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "list" -d 'List control planes: version, readiness, status, endpoint, age'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "export" -d 'Print a control plane as the k0smotron.io/v1beta2 Cluster document its record holds'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "kubeconfig" -d 'Print a kubeconfig for a control plane, with a client certificate minted from its CA'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "pause" -d 'Scale a control plane and its etcd to zero, keeping its data'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "resume" -d 'Return a paused control plane to its replica counts'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "scale" -d 'Change the number of controller replicas (and etcd members, which only grow)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "status" -d 'Everything about one control plane, and a verdict (exit 0 only when Ready)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "token" -d 'Print a k0s join token for a worker node, or list and invalidate tokens'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "join-token" -d 'Print a k0s join token for a worker node, or list and invalidate tokens'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "upgrade" -d 'Change the k0s version (one minor at a time) or the etcd version, rolling the pods'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "wait" -d 'Wait until a control plane is Ready (or deleted)'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "version" -d 'Print the client version and, when reachable, the mothership\'s'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c k0smotron -n "__fish_k0smotron_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s f -l filename -d 'A k0smotron.io/v1beta2 (or v1beta1) Cluster document; flags override it' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l version -d 'k0s version, e.g. v1.36.3+k0s.2 [default: v1.36.3+k0s.2]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l image -d 'k0s image repository, without a tag [default: quay.io/k0sproject/k0s]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l replicas -d 'Controller replicas [default: 1]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l service-type -d 'How workers reach the control plane [default: NodePort]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l api-port -d 'Pin the API port (a node port with NodePort); otherwise the mothership allocates it' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l konnectivity-port -d 'Pin the konnectivity port (as --api-port)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l external-address -d 'The address workers and kubeconfigs use (default: a node\'s address, or the load balancer\'s)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l san -d 'Extra subject alternative name for the API server certificate (repeatable)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l storage -d 'etcd (a StatefulSet beside the controllers) or kine [default: etcd]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l datasource -d 'kine data source URL (postgres://, mysql://, ...); implies --storage kine' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l datasource-secret -d 'Secret in the namespace holding K0SMOTRON_KINE_DATASOURCE_URL; implies --storage kine' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l etcd-size -d 'Size of each etcd member\'s volume, at least 768Mi; sets etcd\'s quota [default: 1Gi]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l persistence -d 'The controller\'s data volume [default: emptyDir]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l persistence-size -d 'Size of the data volume with --persistence pvc [default: 1Gi]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l storage-class -d 'StorageClass for etcd and pvc volumes (default: the mothership\'s default class)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l host-path -d 'Node directory for --persistence hostPath' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l k0s-config -d 'A k0s.k0sproject.io/v1beta1 ClusterConfig to merge with the generated values' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l controller-flag -d 'Extra `k0s controller` flag, e.g. --controller-flag=--debug (repeatable)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l manifests -d 'ConfigMap (NAME or configmap/NAME) or Secret (secret/NAME) of manifests for k0s to apply (repeatable)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l cpu -d 'CPU request, or REQUEST:LIMIT, of each controller (e.g. 500m:2) [default: 100m, no limit]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l memory -d 'Memory request, or REQUEST:LIMIT, of each controller (e.g. 1Gi:2Gi) [default: 384Mi, no limit]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l etcd-cpu -d 'CPU request, or REQUEST:LIMIT, of each etcd member (e.g. 100m) [default: 50m, no limit]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l etcd-memory -d 'Memory request, or REQUEST:LIMIT, of each etcd member (e.g. 256Mi:512Mi) [default: 64Mi, no limit]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l label -d 'Label KEY=VALUE for every object (repeatable; never used in selectors)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l annotation -d 'Annotation KEY=VALUE for every object (repeatable)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l key-algorithm -d 'Key type for the CAs and certificates [default: rsa-2048, as the operator and k0s use]' -r -f -a "rsa-2048\t''
ecdsa-p256\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l timeout -d 'How long to wait for the controllers to be Ready' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l lb-timeout -d 'How long to wait for a LoadBalancer address' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l ttl -d 'How long the control plane is meant to live (2h, 7d); `delete --expired` removes it after' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l kubeconfig-out -d 'Write an admin kubeconfig to FILE (mode 0600) once the control plane serves' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l create-namespace -d 'Create the namespace if it does not exist'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l dry-run -d 'Print the objects (-o yaml or json) instead of writing them; needs no mothership'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l show-secrets -d 'With --dry-run: print Secret values (keys and certificates) instead of a marker'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l no-wait -d 'Return once the objects are written'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l keep-on-failure -d 'Leave what was written in place when create fails'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l merge -d 'Merge an admin kubeconfig into kubectl\'s once the control plane serves (see `connect`)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l switch-context -d 'With --merge: also make it the current context'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand create" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s f -l file -d 'Where to write the archive (`-`: standard output, when it is not a terminal). Default: NAME-TIME.backup.tar.gz in the current directory' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -l encrypt-to -d 'Encrypt the archive with age to this recipient (age1…, as `age-keygen -y KEYFILE` prints it); may be given more than once, and any one of their identities opens it' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand backup" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l name -d 'Restore under this name (default: the name it was backed up under)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l timeout -d 'How long to wait for each step (the snapshot taken in, each etcd member, the controllers)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s i -l identity -d 'An age identity file (as `age-keygen` writes it) to open an encrypted archive with; may be given more than once' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l keep-on-failure -d 'Leave what was written when a step fails (default: remove it)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l new-identity -d 'New certificate authorities and service-account key instead of the archived ones (and new node ports): a copy with the archive\'s data that is not the same control plane, as `clone` makes. Kubeconfigs, tokens and workers of the original do not work with it'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand restore" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -l timeout -d 'How long to wait for each step of the restore' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand clone" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l to-context -d 'The kubeconfig context of the mothership to move it to (default: the same)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l to-namespace -d 'The namespace to move it to (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l timeout -d 'How long to wait for each step of the restore' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand move" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -f -a "renew" -d 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and not __fish_seen_subcommand_from renew help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l timeout -d 'How long to wait for each rollout' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l no-wait -d 'Return once the Secrets and StatefulSets are changed; the pods roll by themselves'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand certs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand connect" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand disconnect" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l wait -d 'Wait until everything is gone (`--wait=false` returns once the deletes are issued)' -r -f -a "true\t''
false\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l timeout -d 'How long to wait for everything to be gone' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l all -d 'Every control plane in the namespace (needs --yes)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l expired -d 'Every control plane past the lifetime `create --ttl` gave it'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s A -l all-namespaces -d 'With --expired or --all: in every namespace'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l dry-run -d 'Say what would be deleted, delete nothing'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s y -l yes -d 'Do not ask for confirmation'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l keep-data -d 'Keep the volume claims (etcd data, controller data)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l ignore-not-found -d 'A control plane that does not exist is not an error'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand delete" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s A -l all-namespaces -d 'Every namespace'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand list" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand export" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l server -d 'The API server URL to put in the kubeconfig [default: the recorded endpoint]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l user -d 'The user (certificate CN) [default: admin]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l group -d 'A group (certificate O), repeatable [default: system:masters when --user is not given]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l expiry -d 'How long the certificate is valid, e.g. 720h, 30d' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l context-name -d 'Name of the cluster, user and context in the kubeconfig [default: k0smotron-NAME]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l merge -d 'Write into the kubeconfig kubectl uses (--kubeconfig, else KUBECONFIG, else ~/.kube/config) instead of printing'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l switch-context -d 'With --merge: also make it the current context'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l refresh-secret -d 'Renew the admin kubeconfig in Secret NAME-kubeconfig (Cluster API\'s convention) instead of printing'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand kubeconfig" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l timeout -d 'How long to wait' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l force -d 'Pause even when its only state is SQLite in an emptyDir (which is lost)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l no-wait -d 'Return once the StatefulSets are scaled down'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand pause" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l timeout -d 'How long to wait for the controllers to be Ready' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l no-wait -d 'Return once the StatefulSets are scaled up'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand resume" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l replicas -d 'Controller replicas' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l timeout -d 'How long to wait for each step' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l no-wait -d 'Return once the StatefulSets are changed (etcd still grows one member at a time)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand scale" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand status" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l role -d 'Which node the token joins (controller is refused: controllers are added with `scale`)' -r -f -a "worker\t''
controller\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "worker" -d 'Print a token that joins a worker node'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "controller" -d 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "list" -d 'List the tokens k0s knows (both roles)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "invalidate" -d 'Invalidate tokens by ID'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from worker" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from controller" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l ignore-not-found -d 'An ID k0s does not know is not an error'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from invalidate" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "worker" -d 'Print a token that joins a worker node'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "controller" -d 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the tokens k0s knows (both roles)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "invalidate" -d 'Invalidate tokens by ID'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l role -d 'Which node the token joins (controller is refused: controllers are added with `scale`)' -r -f -a "worker\t''
controller\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "worker" -d 'Print a token that joins a worker node'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "controller" -d 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "list" -d 'List the tokens k0s knows (both roles)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "invalidate" -d 'Invalidate tokens by ID'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and not __fish_seen_subcommand_from worker controller list invalidate help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from worker" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l expiry -d 'How long the token is valid (90m, 24h, 7d); 0 never expires' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from controller" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l timeout -d 'How long to wait for a Ready controller pod' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l ignore-not-found -d 'An ID k0s does not know is not an error'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from invalidate" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from help" -f -a "worker" -d 'Print a token that joins a worker node'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from help" -f -a "controller" -d 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the tokens k0s knows (both roles)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from help" -f -a "invalidate" -d 'Invalidate tokens by ID'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand join-token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l version -d 'The k0s version to run, e.g. v1.36.4+k0s.0' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l image -d 'The k0s image repository, without a tag [default: the current one]' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l etcd-version -d 'The etcd image tag to run, e.g. v3.7.2 (one minor version at a time)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l timeout -d 'How long to wait for each rollout' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l force -d 'Allow a downgrade or a jump of more than one minor version'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l no-wait -d 'Return once the StatefulSets are changed'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l for -d 'What to wait for' -r -f -a "ready\t''
deleted\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l timeout -d 'How long to wait at most' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand wait" -s h -l help -d 'Print help'
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
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand version" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l kubeconfig -d 'Path to the mothership\'s kubeconfig (default: KUBECONFIG, then ~/.kube/config)' -r -F
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l context -d 'The kubeconfig context to use (default: its current-context)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s n -l namespace -d 'Namespace of the control planes (default: the context\'s namespace, else `default`)' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s o -l output -d 'Output format for data on stdout' -r -f -a "json\t''
yaml\t''
wide\t''
name\t''"
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l connect-timeout -d 'How long to wait for a TCP connection to the mothership' -r
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s v -l verbose -d 'Print more about what is happening (on stderr)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -l no-color -d 'No colours and no spinners (also when NO_COLOR is set)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s q -l quiet -d 'No progress: only data, warnings and errors'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand completion" -s h -l help -d 'Print help'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "create" -d 'Write a k0s control plane to the mothership and wait until it serves'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "backup" -d 'Write one archive of a control plane: its record, certificate authorities and service-account key, and an etcd snapshot'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "restore" -d 'Create a control plane from a backup archive: the same identity, its etcd restored from the snapshot'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "clone" -d 'Create a control plane with the data of another under a new identity (new CAs)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "move" -d 'Move a control plane to another mothership or namespace, as the same identity; the original is deleted only once the moved one answers'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "certs" -d 'Renew a control plane\'s certificates from its kept CAs'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "connect" -d 'Merge a control plane\'s admin kubeconfig into kubectl\'s and switch to it; k0smotron keeps using the mothership'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "disconnect" -d 'Switch kubectl back to the mothership context that `connect` remembered'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "delete" -d 'Delete control planes and everything they own'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "doctor" -d 'Check that the mothership is reachable and that we may do everything k0smotron needs'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "list" -d 'List control planes: version, readiness, status, endpoint, age'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "export" -d 'Print a control plane as the k0smotron.io/v1beta2 Cluster document its record holds'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "kubeconfig" -d 'Print a kubeconfig for a control plane, with a client certificate minted from its CA'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "pause" -d 'Scale a control plane and its etcd to zero, keeping its data'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "resume" -d 'Return a paused control plane to its replica counts'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "scale" -d 'Change the number of controller replicas (and etcd members, which only grow)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "status" -d 'Everything about one control plane, and a verdict (exit 0 only when Ready)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "token" -d 'Print a k0s join token for a worker node, or list and invalidate tokens'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "upgrade" -d 'Change the k0s version (one minor at a time) or the etcd version, rolling the pods'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "wait" -d 'Wait until a control plane is Ready (or deleted)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "version" -d 'Print the client version and, when reachable, the mothership\'s'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "completion" -d 'Print a shell completion script'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and not __fish_seen_subcommand_from create backup restore clone move certs connect disconnect delete doctor list export kubeconfig pause resume scale status token upgrade wait version completion help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and __fish_seen_subcommand_from certs" -f -a "renew" -d 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "worker" -d 'Print a token that joins a worker node'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "controller" -d 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "list" -d 'List the tokens k0s knows (both roles)'
complete -c k0smotron -n "__fish_k0smotron_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "invalidate" -d 'Invalidate tokens by ID'
