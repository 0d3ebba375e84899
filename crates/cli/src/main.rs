use clap::Parser;

use mdsync::Cli;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mdsync: could not start: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    match runtime.block_on(mdsync::commands::run(cli, &mut out)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            if !error.already_reported() {
                eprintln!("mdsync: {error}");
            }
            std::process::ExitCode::from(error.exit_code())
        }
    }
}
