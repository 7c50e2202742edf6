//! `k0smotron completion SHELL`: the same scripts as the files in `completions/`.

use clap::Args;
use clap_complete::Shell;

use crate::error::Failure;
use crate::ui::Ui;

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// bash, zsh, fish, powershell or elvish
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: CompletionArgs, ui: &Ui) -> Result<(), Failure> {
    let mut cmd = super::command();
    // Into memory first: clap_complete panics when stdout is closed early
    // (`k0smotron completion bash | head`); the UI's stdout does not.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "k0smotron", &mut script);
    ui.data(&String::from_utf8_lossy(&script));
    Ok(())
}
