//! `k0smotron completion SHELL`: the same scripts as the files in `completions/`.

use clap::Args;
use clap_complete::Shell;

use crate::error::Failure;

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionArgs) -> Result<(), Failure> {
    let mut cmd = super::command();
    clap_complete::generate(args.shell, &mut cmd, "k0smotron", &mut std::io::stdout());
    Ok(())
}
