//! The command line: exit status, stdout and stderr, snapshotted.

mod common;

use common::competence;
use insta_cmd::assert_cmd_snapshot;

#[test]
fn list_shows_the_shipped_catalog() {
    assert_cmd_snapshot!(competence().arg("list"));
}

#[test]
fn list_as_json() {
    assert_cmd_snapshot!(competence().args(["list", "--format", "json"]));
}

#[test]
fn show_prints_the_tree() {
    assert_cmd_snapshot!(competence().args(["show", "care-certificate-2015"]));
}

#[test]
fn show_to_a_depth() {
    assert_cmd_snapshot!(competence().args(["show", "care-certificate-2015", "--depth", "1"]));
}

#[test]
fn show_as_json_to_a_depth() {
    assert_cmd_snapshot!(competence().args([
        "--format",
        "json",
        "show",
        "care-certificate-2015",
        "--depth",
        "2"
    ]));
}

#[test]
fn show_an_unknown_framework_suggests_one() {
    assert_cmd_snapshot!(competence().args(["show", "care-cert"]));
}

#[test]
fn show_an_unknown_framework_as_json() {
    assert_cmd_snapshot!(competence().args(["show", "nothing-like-it", "--format", "json"]));
}

#[test]
fn validate_the_shipped_catalog() {
    assert_cmd_snapshot!(competence().arg("validate"));
}

#[test]
fn validate_a_valid_curriculum() {
    assert_cmd_snapshot!(competence().args(["validate", "fixtures/valid"]));
}

#[test]
fn validate_a_broken_curriculum() {
    assert_cmd_snapshot!(competence().args(["validate", "fixtures/broken-course.yaml"]));
}

#[test]
fn validate_json_goes_to_stdout_only() {
    assert_cmd_snapshot!(competence().args([
        "validate",
        "fixtures/broken-course.yaml",
        "--format",
        "json"
    ]));
}

#[test]
fn global_options_after_the_subcommand() {
    assert_cmd_snapshot!(competence().args([
        "list",
        "--no-builtin",
        "--catalog",
        "fixtures/valid",
        "--format",
        "json"
    ]));
}

#[test]
fn a_missing_path_cannot_run() {
    assert_cmd_snapshot!(competence().args(["validate", "no/such/file.yaml"]));
}

#[test]
fn a_missing_path_as_json() {
    assert_cmd_snapshot!(competence().args(["validate", "no/such/file.yaml", "--format", "json"]));
}

#[test]
fn bad_arguments_cannot_run() {
    assert_cmd_snapshot!(competence().args(["show", "care-certificate-2015", "--depth", "deep"]));
}

#[test]
fn help_explains_each_command() {
    assert_cmd_snapshot!("help", competence().arg("--help"));
    assert_cmd_snapshot!("help-validate", competence().args(["validate", "--help"]));
    assert_cmd_snapshot!("help-list", competence().args(["list", "--help"]));
    assert_cmd_snapshot!("help-show", competence().args(["show", "--help"]));
}
