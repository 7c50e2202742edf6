
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
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand doctor 'Check that the mothership is reachable and that we may do everything k0smotron needs'
            cand version 'Print the client version and, when reachable, the mothership''s'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
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
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
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
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
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
            cand --no-color 'No colours (also when NO_COLOR is set)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'k0smotron;help'= {
            cand doctor 'Check that the mothership is reachable and that we may do everything k0smotron needs'
            cand version 'Print the client version and, when reachable, the mothership''s'
            cand completion 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'k0smotron;help;doctor'= {
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
