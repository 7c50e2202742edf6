fn main() -> std::process::ExitCode {
    k0smotron::cli::main()
}
