#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/route/*.rs");
    t.compile_fail("tests/ui/model/*.rs");
    t.compile_fail("tests/ui/dependency/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
