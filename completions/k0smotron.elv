
use builtin;
use str;

set edit:completion:arg-completer[k0smotron] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'k0smotron'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'k0smotron'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Write a k0s control plane to the mothership and wait until it serves'
            cand backup 'Write one archive of a control plane: its record, certificate authorities and service-account key, and an etcd snapshot'
            cand restore 'Create a control plane from a backup archive: the same identity, its etcd restored from the snapshot'
            cand clone 'Create a control plane with the data of another under a new identity (new CAs)'
            cand move 'Move a control plane to another mothership or namespace, as the same identity; the original is deleted only once the moved one answers'
            cand certs 'Renew a control plane''s certificates from its kept CAs'
            cand connect 'Merge a control plane''s admin kubeconfig into kubectl''s and switch to it; k0smotron keeps using the mothership'
            cand disconnect 'Switch kubectl back to the mothership context that `connect` remembered'
            cand delete 'Delete control planes and everything they own'
            cand doctor 'Check that the mothership is reachable and that we may do everything k0smotron needs'
            cand list 'List control planes: version, readiness, status, endpoint, age'
            cand export 'Print a control plane as the k0smotron.io/v1beta2 Cluster document its record holds'
            cand kubeconfig 'Print a kubeconfig for a control plane, with a client certificate minted from its CA'
            cand pause 'Scale a control plane and its etcd to zero, keeping its data'
            cand resume 'Return a paused control plane to its replica counts'
            cand scale 'Change the number of controller replicas (and etcd members, which only grow)'
            cand status 'Everything about one control plane, and a verdict (exit 0 only when Ready)'
            cand token 'Print a k0s join token for a worker node, or list and invalidate tokens'
            cand join-token 'Print a k0s join token for a worker node, or list and invalidate tokens'
            cand upgrade 'Change the k0s version (one minor at a time) or the etcd version, rolling the pods'
            cand wait 'Wait until a control plane is Ready (or deleted)'
            cand version 'Print the client version and, when reachable, the mothership''s'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;create'= {
            cand -f 'A k0smotron.io/v1beta2 (or v1beta1) Cluster document; flags override it'
            cand --filename 'A k0smotron.io/v1beta2 (or v1beta1) Cluster document; flags override it'
            cand --version 'k0s version, e.g. v1.36.3+k0s.2 [default: v1.36.3+k0s.2]'
            cand --image 'k0s image repository, without a tag [default: quay.io/k0sproject/k0s]'
            cand --replicas 'Controller replicas [default: 1]'
            cand --service-type 'How workers reach the control plane [default: NodePort]'
            cand --api-port 'Pin the API port (a node port with NodePort); otherwise the mothership allocates it'
            cand --konnectivity-port 'Pin the konnectivity port (as --api-port)'
            cand --external-address 'The address workers and kubeconfigs use (default: a node''s address, or the load balancer''s)'
            cand --san 'Extra subject alternative name for the API server certificate (repeatable)'
            cand --storage 'etcd (a StatefulSet beside the controllers) or kine [default: etcd]'
            cand --datasource 'kine data source URL (postgres://, mysql://, ...); implies --storage kine'
            cand --datasource-secret 'Secret in the namespace holding K0SMOTRON_KINE_DATASOURCE_URL; implies --storage kine'
            cand --etcd-size 'Size of each etcd member''s volume, at least 768Mi; sets etcd''s quota [default: 1Gi]'
            cand --persistence 'The controller''s data volume [default: emptyDir]'
            cand --persistence-size 'Size of the data volume with --persistence pvc [default: 1Gi]'
            cand --storage-class 'StorageClass for etcd and pvc volumes (default: the mothership''s default class)'
            cand --host-path 'Node directory for --persistence hostPath'
            cand --k0s-config 'A k0s.k0sproject.io/v1beta1 ClusterConfig to merge with the generated values'
            cand --controller-flag 'Extra `k0s controller` flag, e.g. --controller-flag=--debug (repeatable)'
            cand --manifests 'ConfigMap (NAME or configmap/NAME) or Secret (secret/NAME) of manifests for k0s to apply (repeatable)'
            cand --cpu 'CPU request, or REQUEST:LIMIT, of each controller (e.g. 500m:2) [default: 100m, no limit]'
            cand --memory 'Memory request, or REQUEST:LIMIT, of each controller (e.g. 1Gi:2Gi) [default: 384Mi, no limit]'
            cand --etcd-cpu 'CPU request, or REQUEST:LIMIT, of each etcd member (e.g. 100m) [default: 50m, no limit]'
            cand --etcd-memory 'Memory request, or REQUEST:LIMIT, of each etcd member (e.g. 256Mi:512Mi) [default: 64Mi, no limit]'
            cand --label 'Label KEY=VALUE for every object (repeatable; never used in selectors)'
            cand --annotation 'Annotation KEY=VALUE for every object (repeatable)'
            cand --key-algorithm 'Key type for the CAs and certificates [default: rsa-2048, as the operator and k0s use]'
            cand --timeout 'How long to wait for the controllers to be Ready'
            cand --lb-timeout 'How long to wait for a LoadBalancer address'
            cand --ttl 'How long the control plane is meant to live (2h, 7d); `delete --expired` removes it after'
            cand --kubeconfig-out 'Write an admin kubeconfig to FILE (mode 0600) once the control plane serves'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --create-namespace 'Create the namespace if it does not exist'
            cand --dry-run 'Print the objects (-o yaml or json) instead of writing them; needs no mothership'
            cand --show-secrets 'With --dry-run: print Secret values (keys and certificates) instead of a marker'
            cand --no-wait 'Return once the objects are written'
            cand --keep-on-failure 'Leave what was written in place when create fails'
            cand --merge 'Merge an admin kubeconfig into kubectl''s once the control plane serves (see `connect`)'
            cand --switch-context 'With --merge: also make it the current context'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;backup'= {
            cand -f 'Where to write the archive (`-`: standard output, when it is not a terminal). Default: NAME-TIME.backup.tar.gz in the current directory'
            cand --file 'Where to write the archive (`-`: standard output, when it is not a terminal). Default: NAME-TIME.backup.tar.gz in the current directory'
            cand --encrypt-to 'Encrypt the archive with age to this recipient (age1…, as `age-keygen -y KEYFILE` prints it); may be given more than once, and any one of their identities opens it'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;restore'= {
            cand --name 'Restore under this name (default: the name it was backed up under)'
            cand --timeout 'How long to wait for each step (the snapshot taken in, each etcd member, the controllers)'
            cand -i 'An age identity file (as `age-keygen` writes it) to open an encrypted archive with; may be given more than once'
            cand --identity 'An age identity file (as `age-keygen` writes it) to open an encrypted archive with; may be given more than once'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --keep-on-failure 'Leave what was written when a step fails (default: remove it)'
            cand --new-identity 'New certificate authorities and service-account key instead of the archived ones (and new node ports): a copy with the archive''s data that is not the same control plane, as `clone` makes. Kubeconfigs, tokens and workers of the original do not work with it'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;clone'= {
            cand --timeout 'How long to wait for each step of the restore'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;move'= {
            cand --to-context 'The kubeconfig context of the mothership to move it to (default: the same)'
            cand --to-namespace 'The namespace to move it to (default: the context''s namespace, else `default`)'
            cand --timeout 'How long to wait for each step of the restore'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;certs'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand renew 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;certs;renew'= {
            cand --timeout 'How long to wait for each rollout'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --no-wait 'Return once the Secrets and StatefulSets are changed; the pods roll by themselves'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;certs;help'= {
            cand renew 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;certs;help;renew'= {
        }
        &'k0smotron;certs;help;help'= {
        }
        &'k0smotron;connect'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;disconnect'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;delete'= {
            cand --wait 'Wait until everything is gone (`--wait=false` returns once the deletes are issued)'
            cand --timeout 'How long to wait for everything to be gone'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --all 'Every control plane in the namespace (needs --yes)'
            cand --expired 'Every control plane past the lifetime `create --ttl` gave it'
            cand -A 'With --expired or --all: in every namespace'
            cand --all-namespaces 'With --expired or --all: in every namespace'
            cand --dry-run 'Say what would be deleted, delete nothing'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand --keep-data 'Keep the volume claims (etcd data, controller data)'
            cand --ignore-not-found 'A control plane that does not exist is not an error'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;doctor'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;list'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -A 'Every namespace'
            cand --all-namespaces 'Every namespace'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;export'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;kubeconfig'= {
            cand --server 'The API server URL to put in the kubeconfig [default: the recorded endpoint]'
            cand --user 'The user (certificate CN) [default: admin]'
            cand --group 'A group (certificate O), repeatable [default: system:masters when --user is not given]'
            cand --expiry 'How long the certificate is valid, e.g. 720h, 30d'
            cand --context-name 'Name of the cluster, user and context in the kubeconfig [default: k0smotron-NAME]'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --merge 'Write into the kubeconfig kubectl uses (--kubeconfig, else KUBECONFIG, else ~/.kube/config) instead of printing'
            cand --switch-context 'With --merge: also make it the current context'
            cand --refresh-secret 'Renew the admin kubeconfig in Secret NAME-kubeconfig (Cluster API''s convention) instead of printing'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;pause'= {
            cand --timeout 'How long to wait'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --force 'Pause even when its only state is SQLite in an emptyDir (which is lost)'
            cand --no-wait 'Return once the StatefulSets are scaled down'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;resume'= {
            cand --timeout 'How long to wait for the controllers to be Ready'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --no-wait 'Return once the StatefulSets are scaled up'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;scale'= {
            cand --replicas 'Controller replicas'
            cand --timeout 'How long to wait for each step'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --no-wait 'Return once the StatefulSets are changed (etcd still grows one member at a time)'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;status'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;token'= {
            cand --role 'Which node the token joins (controller is refused: controllers are added with `scale`)'
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand worker 'Print a token that joins a worker node'
            cand controller 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
            cand list 'List the tokens k0s knows (both roles)'
            cand invalidate 'Invalidate tokens by ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;join-token'= {
            cand --role 'Which node the token joins (controller is refused: controllers are added with `scale`)'
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand worker 'Print a token that joins a worker node'
            cand controller 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
            cand list 'List the tokens k0s knows (both roles)'
            cand invalidate 'Invalidate tokens by ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;token;worker'= {
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;join-token;worker'= {
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;token;controller'= {
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;join-token;controller'= {
            cand --expiry 'How long the token is valid (90m, 24h, 7d); 0 never expires'
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;token;list'= {
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;join-token;list'= {
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;token;invalidate'= {
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --ignore-not-found 'An ID k0s does not know is not an error'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;join-token;invalidate'= {
            cand --timeout 'How long to wait for a Ready controller pod'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --ignore-not-found 'An ID k0s does not know is not an error'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;token;help'= {
            cand worker 'Print a token that joins a worker node'
            cand controller 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
            cand list 'List the tokens k0s knows (both roles)'
            cand invalidate 'Invalidate tokens by ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;token;help;worker'= {
        }
        &'k0smotron;token;help;controller'= {
        }
        &'k0smotron;token;help;list'= {
        }
        &'k0smotron;token;help;invalidate'= {
        }
        &'k0smotron;token;help;help'= {
        }
        &'k0smotron;join-token;help'= {
            cand worker 'Print a token that joins a worker node'
            cand controller 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
            cand list 'List the tokens k0s knows (both roles)'
            cand invalidate 'Invalidate tokens by ID'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;join-token;help;worker'= {
        }
        &'k0smotron;join-token;help;controller'= {
        }
        &'k0smotron;join-token;help;list'= {
        }
        &'k0smotron;join-token;help;invalidate'= {
        }
        &'k0smotron;join-token;help;help'= {
        }
        &'k0smotron;upgrade'= {
            cand --version 'The k0s version to run, e.g. v1.36.4+k0s.0'
            cand --image 'The k0s image repository, without a tag [default: the current one]'
            cand --etcd-version 'The etcd image tag to run, e.g. v3.7.2 (one minor version at a time)'
            cand --timeout 'How long to wait for each rollout'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --force 'Allow a downgrade or a jump of more than one minor version'
            cand --no-wait 'Return once the StatefulSets are changed'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;wait'= {
            cand --for 'What to wait for'
            cand --timeout 'How long to wait at most'
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;version'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand --client 'Do not contact the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;completion'= {
            cand --kubeconfig 'Path to the mothership''s kubeconfig (default: KUBECONFIG, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: its current-context)'
            cand -n 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand --namespace 'Namespace of the control planes (default: the context''s namespace, else `default`)'
            cand -o 'Output format for data on stdout'
            cand --output 'Output format for data on stdout'
            cand --connect-timeout 'How long to wait for a TCP connection to the mothership'
            cand -v 'Print more about what is happening (on stderr)'
            cand --verbose 'Print more about what is happening (on stderr)'
            cand --no-color 'No colours and no spinners (also when NO_COLOR is set)'
            cand -q 'No progress: only data, warnings and errors'
            cand --quiet 'No progress: only data, warnings and errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'k0smotron;help'= {
            cand create 'Write a k0s control plane to the mothership and wait until it serves'
            cand backup 'Write one archive of a control plane: its record, certificate authorities and service-account key, and an etcd snapshot'
            cand restore 'Create a control plane from a backup archive: the same identity, its etcd restored from the snapshot'
            cand clone 'Create a control plane with the data of another under a new identity (new CAs)'
            cand move 'Move a control plane to another mothership or namespace, as the same identity; the original is deleted only once the moved one answers'
            cand certs 'Renew a control plane''s certificates from its kept CAs'
            cand connect 'Merge a control plane''s admin kubeconfig into kubectl''s and switch to it; k0smotron keeps using the mothership'
            cand disconnect 'Switch kubectl back to the mothership context that `connect` remembered'
            cand delete 'Delete control planes and everything they own'
            cand doctor 'Check that the mothership is reachable and that we may do everything k0smotron needs'
            cand list 'List control planes: version, readiness, status, endpoint, age'
            cand export 'Print a control plane as the k0smotron.io/v1beta2 Cluster document its record holds'
            cand kubeconfig 'Print a kubeconfig for a control plane, with a client certificate minted from its CA'
            cand pause 'Scale a control plane and its etcd to zero, keeping its data'
            cand resume 'Return a paused control plane to its replica counts'
            cand scale 'Change the number of controller replicas (and etcd members, which only grow)'
            cand status 'Everything about one control plane, and a verdict (exit 0 only when Ready)'
            cand token 'Print a k0s join token for a worker node, or list and invalidate tokens'
            cand upgrade 'Change the k0s version (one minor at a time) or the etcd version, rolling the pods'
            cand wait 'Wait until a control plane is Ready (or deleted)'
            cand version 'Print the client version and, when reachable, the mothership''s'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;help;create'= {
        }
        &'k0smotron;help;backup'= {
        }
        &'k0smotron;help;restore'= {
        }
        &'k0smotron;help;clone'= {
        }
        &'k0smotron;help;move'= {
        }
        &'k0smotron;help;certs'= {
            cand renew 'Re-issue every leaf certificate from the kept CAs and roll the pods one at a time'
        }
        &'k0smotron;help;certs;renew'= {
        }
        &'k0smotron;help;connect'= {
        }
        &'k0smotron;help;disconnect'= {
        }
        &'k0smotron;help;delete'= {
        }
        &'k0smotron;help;doctor'= {
        }
        &'k0smotron;help;list'= {
        }
        &'k0smotron;help;export'= {
        }
        &'k0smotron;help;kubeconfig'= {
        }
        &'k0smotron;help;pause'= {
        }
        &'k0smotron;help;resume'= {
        }
        &'k0smotron;help;scale'= {
        }
        &'k0smotron;help;status'= {
        }
        &'k0smotron;help;token'= {
            cand worker 'Print a token that joins a worker node'
            cand controller 'Refused, saying why: controllers are added with `k0smotron scale`, not joined'
            cand list 'List the tokens k0s knows (both roles)'
            cand invalidate 'Invalidate tokens by ID'
        }
        &'k0smotron;help;token;worker'= {
        }
        &'k0smotron;help;token;controller'= {
        }
        &'k0smotron;help;token;list'= {
        }
        &'k0smotron;help;token;invalidate'= {
        }
        &'k0smotron;help;upgrade'= {
        }
        &'k0smotron;help;wait'= {
        }
        &'k0smotron;help;version'= {
        }
        &'k0smotron;help;completion'= {
        }
        &'k0smotron;help;help'= {
        }
    ]
    $completions[$command]
}
