//! The simulator's scale figures (demo seed plus a million data values, a paged read and a
//! 10,000-value import), printed for `cargo xtask bench`. Lives here rather than in the
//! simulator so that xtask decides how benchmarks are built (the `tool` profile).

fn main() {
    print!("{}", dhis2_sim::data_values::bench::run());
    println!();
}
