//! JUnit XML, as the reference CLI writes it: a "JSON Schema Validation" suite with one failing
//! test case per JSON-schema-bucket output (or one passing case), and a "Spectral Suite" with one
//! test case per rule, failing when an error-severity output has that rule's code. The suite
//! lists the 14 architecture and 17 pattern rules in every mode, like the reference; in timeline
//! mode it also lists the 7 timeline rules (the reference omits them, hiding timeline errors).

use crate::diagnostic::{Bucket, Severity};
use crate::engine::{Mode, Outcome};
use crate::rules;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

pub fn render(outcome: &Outcome) -> String {
    let diags = &outcome.report.diagnostics;
    let mut report = Report::new("calm-advisor validate");

    let mut schema_suite = TestSuite::new("JSON Schema Validation");
    let schema_outputs: Vec<usize> = (0..diags.len())
        .filter(|&i| diags[i].bucket == Bucket::JsonSchema)
        .collect();
    if schema_outputs.is_empty() {
        schema_suite.add_test_case(TestCase::new(
            "JSON Schema Validation succeeded",
            TestCaseStatus::success(),
        ));
    }
    for i in schema_outputs {
        let d = &diags[i];
        let name = match d.schema_path.as_deref() {
            Some(sp) if !sp.is_empty() => format!("{} at {sp}", d.message),
            _ => d.message.clone(),
        };
        let status = if d.severity == Severity::Error {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{} {}: {}",
                d.code,
                outcome.display_path(i),
                d.message
            ));
            s.set_type(d.code.clone());
            s.set_description(location(outcome, i));
            s
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(name, status);
        case.set_classname(d.code.clone());
        schema_suite.add_test_case(case);
    }
    report.add_test_suite(schema_suite);

    let mut spectral = TestSuite::new("Spectral Suite");
    let mut listed: Vec<&rules::ValidationRule> = rules::architecture_rules()
        .iter()
        .chain(rules::pattern_rules())
        .copied()
        .collect();
    if outcome.mode == Mode::Timeline {
        listed.extend(rules::timeline_rules().iter().copied());
    }
    for rule in listed {
        let failures: Vec<usize> = (0..diags.len())
            .filter(|&i| diags[i].code == rule.code && diags[i].severity == Severity::Error)
            .collect();
        let status = if failures.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{} error(s)", failures.len()));
            s.set_type(rule.code);
            let text: Vec<String> = failures
                .iter()
                .map(|&i| {
                    format!(
                        "{}: {} ({})",
                        outcome.display_path(i),
                        diags[i].message,
                        location(outcome, i)
                    )
                })
                .collect();
            s.set_description(text.join("\n"));
            s
        };
        spectral.add_test_case(TestCase::new(rule.code, status));
    }
    report.add_test_suite(spectral);
    let mut s = report.to_string().unwrap_or_default();
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn location(outcome: &Outcome, i: usize) -> String {
    let d = &outcome.report.diagnostics[i];
    format!("{}:{}:{}", d.file, d.line_start, d.character_start + 1)
}
