//! A missing interpreter is reported clearly. Its own test binary (process),
//! because it sets `PALISADE_PYTHON`, which would race with fixtures started by
//! tests running in parallel.

use palisade_testkit::{FlaskApp, FlaskFixture};

#[test]
fn a_missing_interpreter_is_a_clear_error() {
    let missing = std::env::temp_dir().join("palisade-testkit-no-such-python");
    std::env::set_var("PALISADE_PYTHON", &missing);
    let error = FlaskFixture::start(FlaskApp::Vulnerable).err().expect("must fail");
    std::env::remove_var("PALISADE_PYTHON");
    assert!(error.contains("scripts/setup-test-env.sh"), "{error}");
}
