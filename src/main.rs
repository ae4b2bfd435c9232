fn main() -> std::process::ExitCode {
    egress_scan::main_with_args(std::env::args_os())
}
