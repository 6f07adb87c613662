//! Every command and flag of `calm-advisor`, with its help text, in one place.
//! The `commands/` folder has one file per command that implements it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, shared by every command (also printed by `--help`).
pub mod exit {
    /// Success: valid, no finding at or above `--fail-on`, no difference with `--exit-code`.
    pub const OK: u8 = 0;
    /// The check failed: validation errors (or warnings with `--strict`), findings at or above
    /// `--fail-on`, documents differ (`diff --exit-code`), a new finding at `--fail-on-new`.
    pub const FAILED: u8 = 1;
    /// Usage error, unreadable file, or input that is not JSON.
    pub const INPUT: u8 = 2;
    /// A change was refused: it would make the document invalid, or the file changed on disk.
    pub const REFUSED: u8 = 3;
}

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (valid; no finding at or above --fail-on; no difference with --exit-code)
  1  check failed (validation errors, or warnings with --strict; findings at or above --fail-on;
     documents differ with --exit-code; a new finding at or above --fail-on-new)
  2  usage error, unreadable file, or input that is not JSON
  3  change refused (the result would not validate, or the file changed on disk meanwhile)";

#[derive(Debug, Parser)]
#[command(
    name = "calm-advisor",
    version,
    about = "Deterministic, offline architecture advisor for FINOS CALM documents",
    long_about = "Validate, review, fix, render and report on FINOS CALM architectures.\n\
                  Everything runs offline and gives the same output for the same input.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate architectures, patterns or timelines (a drop-in for `calm validate`).
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(ValidateArgs),
    /// Review an architecture: ranked findings with rationale, evidence and fixes.
    #[command(after_help = EXIT_CODES_HELP)]
    Review(ReviewArgs),
    /// Print a rule's documentation, or explain one finding of a file in depth.
    Explain(ExplainArgs),
    /// List every rule (advisor and validation) with category and default severity.
    Rules(RulesArgs),
    /// What breaks when nodes fail: flows, actor journeys, dependants.
    Simulate(SimulateArgs),
    /// Triage an outage from the model: affected flows, likely causes, what to check, whom to call.
    #[command(after_help = EXIT_CODES_HELP)]
    Triage(TriageArgs),
    /// Apply a refactoring recipe, keeping the document valid and the diff minimal.
    #[command(after_help = EXIT_CODES_HELP)]
    Fix(FixArgs),
    /// Draw the architecture (SVG, PNG, self-contained HTML, Mermaid), or compare two versions.
    Render(RenderArgs),
    /// Write the architecture-improvements document (before/after), or a review report.
    Report(ReportArgs),
    /// Structural diff of two architectures, with findings introduced and resolved.
    #[command(after_help = EXIT_CODES_HELP)]
    Diff(DiffArgs),
    /// Talk to the advisor about one architecture in plain language.
    Chat(ChatArgs),
    /// Run an MCP server over stdio, so AI assistants can call calm-advisor's tools.
    Mcp(McpArgs),
    /// Run a Language Server over stdio: diagnostics, quick fixes, navigation in your editor.
    Lsp(LspArgs),
    /// Configure an AI assistant (MCP server + instructions) to use calm-advisor.
    InitAi(InitAiArgs),
}

// ---------------------------------------------------------------------------------------------
// validate

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Json,
    Junit,
    Pretty,
    Sarif,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Architecture file to validate (repeatable; each is validated on its own).
    #[arg(short = 'a', long = "architecture", value_name = "FILE")]
    pub architecture: Vec<PathBuf>,
    /// Pattern to validate the architecture against (the architecture's `$schema` is then not
    /// used). Alone, the pattern itself is validated.
    #[arg(short = 'p', long = "pattern", value_name = "FILE")]
    pub pattern: Option<PathBuf>,
    /// Timeline file to validate (cannot be combined with -a or -p).
    #[arg(long = "timeline", value_name = "FILE", conflicts_with_all = ["architecture", "pattern"])]
    pub timeline: Option<PathBuf>,
    /// Extra directory of schemas: every JSON/YAML file in it is registered under its `$id`.
    #[arg(short = 's', long = "schema-directory", value_name = "DIR")]
    pub schema_directory: Vec<PathBuf>,
    /// JSON file mapping URLs to local files (relative paths resolve against the mapping file).
    #[arg(short = 'u', long = "url-to-local-file-mapping", value_name = "FILE")]
    pub url_mapping: Option<PathBuf>,
    /// Accepted for compatibility with `calm validate`; CalmHub is never contacted (offline).
    #[arg(short = 'c', long = "calm-hub-url", value_name = "URL", hide = true)]
    pub calm_hub_url: Option<String>,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value = "json")]
    pub format: ValidateFormat,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Warnings fail the run too (exit 1), including unresolved control requirements.
    #[arg(long)]
    pub strict: bool,
    /// Log what is loaded and resolved to stderr.
    #[arg(short = 'v', long)]
    pub verbose: bool,
}

// ---------------------------------------------------------------------------------------------
// review / explain / rules / simulate

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    Text,
    Json,
    Markdown,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for calm_analysis::Severity {
    fn from(s: SeverityArg) -> Self {
        use calm_analysis::Severity;
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Architecture file to review (omit with --example).
    #[arg(required_unless_present = "example")]
    pub file: Option<PathBuf>,
    /// Review the built-in example e-commerce architecture instead of a file.
    #[arg(long, conflicts_with = "file")]
    pub example: bool,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: ReviewFormat,
    /// Show only the N top-ranked concerns (text and markdown group findings by rule).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Only these categories (comma-separated): resilience, security, performance,
    /// operability, documentation.
    #[arg(long, value_delimiter = ',', value_name = "CATS")]
    pub category: Vec<String>,
    /// Hide findings below this severity.
    #[arg(long, value_enum, value_name = "S")]
    pub min_severity: Option<SeverityArg>,
    /// Exit 1 when a finding of this severity or worse remains (after suppressions).
    #[arg(long, value_enum, value_name = "S")]
    pub fail_on: Option<SeverityArg>,
    /// Baseline file of accepted / mitigated / false-positive findings.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Rule configuration (JSON): `{"rules": {"RULE": "off" | SEVERITY | {"enabled": BOOL,
    /// "severity": SEVERITY}}}`; rules by id or code. A baseline file may carry it too.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Rules not to run (comma-separated ids or codes), e.g. `--disable unencrypted-transport,OPS-01`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub disable: Vec<String>,
    /// Write the review to this file instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (e.g. `spof-node`, `RES-01`, or a validation rule code), or an architecture file.
    pub target: String,
    /// With a file: the finding id to explain (e.g. `spof-node@api-gateway`).
    pub finding: Option<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Architecture file.
    pub file: PathBuf,
    /// Nodes that fail together (comma-separated unique-ids).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "NODE",
        required_unless_present = "each"
    )]
    pub fail: Vec<String>,
    /// Fail every node in turn and rank them by blast radius.
    #[arg(long, conflicts_with = "fail")]
    pub each: bool,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

// ---------------------------------------------------------------------------------------------
// triage

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TriageFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("report")
        .required(true)
        .multiple(true)
        .args(["failing", "slow", "flow", "symptom"])
))]
pub struct TriageArgs {
    /// Architecture file.
    pub file: PathBuf,
    /// Nodes returning errors (comma-separated unique-ids or names).
    #[arg(long, value_delimiter = ',', value_name = "NODE")]
    pub failing: Vec<String>,
    /// Nodes with high latency (comma-separated unique-ids or names).
    #[arg(long, value_delimiter = ',', value_name = "NODE")]
    pub slow: Vec<String>,
    /// A business flow reported degraded (unique-id or name; repeatable).
    #[arg(long, value_name = "FLOW")]
    pub flow: Vec<String>,
    /// What is seen, in words; matched against the failure modes declared in node metadata.
    #[arg(long, value_name = "TEXT")]
    pub symptom: Option<String>,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: TriageFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

// ---------------------------------------------------------------------------------------------
// fix

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Architecture file to change.
    pub file: PathBuf,
    /// The recipe and its arguments: calm-refactor's `Recipe` is the only definition of them.
    #[command(subcommand)]
    pub recipe: Option<calm_refactor::Recipe>,
    /// Apply the recommended fix of this review finding.
    #[arg(long, value_name = "FINDING-ID", conflicts_with = "all")]
    pub finding: Option<String>,
    /// Apply every fixable finding, one after another.
    #[arg(long)]
    pub all: bool,
    /// With --all: only findings of this severity or worse.
    #[arg(long, value_enum, value_name = "S")]
    pub min_severity: Option<SeverityArg>,
    /// Print the unified diff and write nothing.
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Print the change as an RFC 6902 JSON Patch on stdout; FILE is not changed (with -o, the
    /// result is also written to that file).
    #[arg(long, global = true)]
    pub emit_patch: bool,
    /// Write the result to this file instead of changing FILE in place.
    #[arg(short = 'o', long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

// ---------------------------------------------------------------------------------------------
// render / report / diff

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    Svg,
    Png,
    Html,
    Mermaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Direction {
    #[value(name = "TB", alias = "tb")]
    Tb,
    #[value(name = "LR", alias = "lr")]
    Lr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Architecture file (omit with --compare).
    #[arg(required_unless_present = "compare")]
    pub file: Option<PathBuf>,
    /// Output format (default: from the -o extension, else svg).
    #[arg(short = 'f', long, value_enum)]
    pub format: Option<RenderFormat>,
    /// Output file (default: stdout for svg/mermaid/html; required for png).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overlay review findings: severity badges, outlines and a legend.
    #[arg(long)]
    pub findings: bool,
    /// Highlight this flow's path with step numbers.
    #[arg(long, value_name = "FLOW-ID")]
    pub flow: Option<String>,
    /// Draw only these nodes and their neighbours.
    #[arg(long, value_delimiter = ',', value_name = "NODE")]
    pub focus: Vec<String>,
    /// Layout direction.
    #[arg(long, value_enum, default_value = "TB")]
    pub direction: Direction,
    /// Colour theme.
    #[arg(long, value_enum, default_value = "light")]
    pub theme: Theme,
    /// Compare two versions side by side: --compare BEFORE AFTER.
    #[arg(long, num_args = 2, value_names = ["BEFORE", "AFTER"], conflicts_with = "file")]
    pub compare: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Architecture file for a review report (instead of --before/--after).
    #[arg(conflicts_with_all = ["before", "after"])]
    pub file: Option<PathBuf>,
    /// Operations documentation of this architecture (a path or git:REV:PATH): writes
    /// service-runbooks.md, oncall-reference.md and flow-support-guide.md into the -o DIR.
    #[arg(
        long,
        value_name = "FILE",
        requires = "output",
        conflicts_with_all = ["file", "before", "after", "images", "title"]
    )]
    pub ops: Option<String>,
    /// The architecture before the change (a path or git:REV:PATH).
    #[arg(long, value_name = "OLD", requires = "after")]
    pub before: Option<String>,
    /// The architecture after the change (a path or git:REV:PATH).
    #[arg(long, value_name = "NEW", requires = "before")]
    pub after: Option<String>,
    /// Write the Markdown here instead of stdout (with --ops: the directory, required).
    #[arg(short = 'o', long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Document title.
    #[arg(long)]
    pub title: Option<String>,
    /// Also render before/after PNG diagrams into DIR and link them.
    #[arg(long, value_name = "DIR")]
    pub images: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old architecture (a path or git:REV:PATH).
    pub old: String,
    /// The new architecture (a path or git:REV:PATH).
    pub new: String,
    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Exit 1 when the documents differ.
    #[arg(long)]
    pub exit_code: bool,
    /// Exit 1 when the change introduces a finding of this severity or worse, or raises an
    /// existing finding to it.
    #[arg(long, value_enum, value_name = "S")]
    pub fail_on_new: Option<SeverityArg>,
}

// ---------------------------------------------------------------------------------------------
// chat / mcp / init-ai

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// Architecture file to talk about.
    pub file: PathBuf,
    /// Run the requests in this file (separated by lines holding only `---`) and print the
    /// transcript; `-` reads them from stdin.
    #[arg(long, value_name = "FILE")]
    pub script: Option<PathBuf>,
    /// Answer yes to every confirmation (the file is still written only by `save`).
    #[arg(long)]
    pub yes: bool,
    /// Send requests the built-in parser cannot handle to an OpenAI-compatible model
    /// (CALM_ADVISOR_LLM_BASE_URL, CALM_ADVISOR_LLM_MODEL, CALM_ADVISOR_LLM_API_KEY). Off by default.
    #[arg(long)]
    pub llm: bool,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// Also allow reading and writing inside DIR (repeatable). By default the server may use the
    /// client's roots (when it offers them), else the directory it was started in.
    #[arg(long = "root", value_name = "DIR")]
    pub roots: Vec<PathBuf>,
    /// Refuse documents larger than this many bytes, before parsing them.
    #[arg(long, value_name = "BYTES", default_value_t = crate::mcp::DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
    /// Abandon a tool call after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::mcp::DEFAULT_TOOL_TIMEOUT_SECS)]
    pub tool_timeout: u64,
}

/// The editor starts the server; settings come from the editor (section `calmAdvisor`: see
/// docs/editors.md), so there is nothing to configure on the command line.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Accepted for clients that pass it (the transport is always stdio).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AiProvider {
    Copilot,
    Claude,
    Codex,
    Kiro,
}

#[derive(Debug, Args)]
pub struct InitAiArgs {
    /// Which assistant to configure.
    #[arg(long, value_enum)]
    pub provider: AiProvider,
    /// Project directory (default: current directory).
    pub dir: Option<PathBuf>,
}
