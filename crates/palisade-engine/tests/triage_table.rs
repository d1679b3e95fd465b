//! GET triage against real-world operations: which ones a default scan must
//! not call, and which ones it may.

use palisade_core::Endpoint;
use palisade_engine::triage::{judge, Field};

/// (method, path, operationId, summary, description, tags, the field a skip must name).
/// Empty strings are absent fields; `None` means the operation is allowed.
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static [&'static str], Option<Field>);

const SKIP_PATH: Option<Field> = Some(Field::Path);
const SKIP_OP: Option<Field> = Some(Field::OperationId);
const SKIP_SUMMARY: Option<Field> = Some(Field::Summary);
const SKIP_DESCRIPTION: Option<Field> = Some(Field::Description);
const SKIP_TAG: Option<Field> = Some(Field::Tag);
const ALLOW: Option<Field> = None;

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // ---- Must be skipped -------------------------------------------------
    // VAmPI (Flask): the operation that wiped a target's database.
    ("GET", "/createdb", "api_views.main.populate_db", "Creates and populates the database with dummy data", "", &["db-init"], SKIP_PATH),
    // State-changing only in its description prose.
    ("GET", "/api/v1/demo-data", "", "Demo data", "Wipes all tables and populates them with dummy data.", &[], SKIP_DESCRIPTION),
    ("GET", "/jobs/{id}/run-now", "", "", "", &[], SKIP_PATH),
    ("GET", "/admin/sync", "", "", "", &[], SKIP_PATH),
    ("GET", "/admin/reset-db/confirm", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/admin/dropall", "", "", "", &[], SKIP_PATH),
    ("GET", "/dbinit", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/cache/flush", "", "Flush the cache", "", &["ops"], SKIP_PATH),
    ("GET", "/api/v1/cache/cleardata", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/seed", "seedDatabase", "Seed the database", "", &[], SKIP_PATH),
    // Slack-style RPC over GET.
    ("GET", "/api/chat.postMessage", "chat.postMessage", "Sends a message to a channel", "", &["chat"], SKIP_PATH),
    ("GET", "/api/chat.delete", "chat.delete", "Deletes a message", "", &["chat"], SKIP_PATH),
    ("GET", "/api/conversations.join", "conversations.join", "Joins an existing conversation", "", &["conversations"], SKIP_PATH),
    ("GET", "/api/auth.revoke", "auth.revoke", "Revokes a token", "", &["auth"], SKIP_PATH),
    // Spring Boot Actuator.
    ("GET", "/actuator/shutdown", "shutdown", "Shut down the application", "", &["actuator"], SKIP_PATH),
    ("GET", "/actuator/refresh", "refresh", "", "", &["actuator"], SKIP_PATH),
    ("GET", "/actuator/restart", "", "", "", &[], SKIP_PATH),
    // Links in e-mails.
    ("GET", "/confirm/{token}", "", "Confirm an email address", "", &[], SKIP_PATH),
    ("GET", "/verify-email?token={token}", "", "", "", &[], SKIP_PATH),
    ("GET", "/account/activate/{token}", "", "", "", &[], SKIP_PATH),
    ("GET", "/unsubscribe?email={email}", "", "", "", &[], SKIP_PATH),
    ("GET", "/newsletter/unsubscribe/{id}", "", "", "", &[], SKIP_PATH),
    // Sessions.
    ("GET", "/logout", "", "", "", &[], SKIP_PATH),
    ("GET", "/sign-out", "", "", "", &[], SKIP_PATH),
    ("GET", "/connect/endsession", "", "", "", &[], SKIP_PATH),
    // Django admin.
    ("GET", "/admin/auth/user/{id}/delete/", "", "", "", &[], SKIP_PATH),
    ("GET", "/admin/logout/", "", "", "", &[], SKIP_PATH),
    // Laravel: Ignition, Horizon, e-mail verification.
    ("GET", "/_ignition/execute-solution", "", "", "", &[], SKIP_PATH),
    ("GET", "/horizon/api/jobs/retry/{id}", "", "", "", &[], SKIP_PATH),
    ("GET", "/email/verify/{id}/{hash}", "", "", "", &[], SKIP_PATH),
    // Kubernetes-ish.
    ("GET", "/api/v1/namespaces/{namespace}/pods/{name}/exec", "connectCoreV1GetNamespacedPodExec", "connect GET requests to exec of Pod", "", &["core_v1"], SKIP_PATH),
    ("GET", "/api/v1/namespaces/{namespace}/pods/{name}/attach", "connectCoreV1GetNamespacedPodAttach", "", "", &["core_v1"], SKIP_PATH),
    ("GET", "/api/v1/nodes/{name}/drain", "", "", "", &[], SKIP_PATH),
    // GitHub-ish.
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/rerun", "actions/re-run-workflow", "Re-run a workflow", "", &["actions"], SKIP_PATH),
    ("GET", "/repos/{owner}/{repo}/actions/runs/{run_id}/cancel", "actions/cancel-workflow-run", "Cancel a workflow run", "", &["actions"], SKIP_PATH),
    // Stripe-like.
    ("GET", "/v1/invoices/{invoice}/pay", "PostInvoicesInvoicePay", "Pay an invoice", "", &[], SKIP_PATH),
    ("GET", "/v1/payment_intents/{intent}/confirm", "", "Confirm a PaymentIntent", "", &[], SKIP_PATH),
    ("GET", "/v1/invoices/{invoice}/void", "", "", "", &[], SKIP_PATH),
    ("GET", "/v1/orders/{id}/refund", "", "", "", &[], SKIP_PATH),
    // Moderation and access.
    ("GET", "/api/users/{id}/ban", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/users/{id}/block", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/accounts/{id}/unlock", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/v1/users/{id}/impersonate", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/tokens/{id}/revoke", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/v1/keys/{id}/rotate", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/v1/feature-flags/{key}/toggle", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/notifications/mark-all-read", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/v1/trash/empty", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/v1/polls/{id}/vote", "", "", "", &[], SKIP_PATH),
    // Scripts, query actions, custom methods.
    ("GET", "/install.php", "", "", "", &[], SKIP_PATH),
    ("GET", "/reset.php", "", "", "", &[], SKIP_PATH),
    ("GET", "/cgi-bin/reboot.cgi", "", "", "", &[], SKIP_PATH),
    ("GET", "/index.php?action=delete&id=1", "", "", "", &[], SKIP_PATH),
    ("GET", "/wp-admin/plugins.php?action=deactivate&plugin={plugin}", "", "", "", &[], SKIP_PATH),
    ("GET", "/v1/projects/{project}/operations/{operation}:cancel", "", "", "", &[], SKIP_PATH),
    ("GET", "/api/2.1/jobs/run-now", "", "Trigger a new job run", "", &["Jobs"], SKIP_PATH),
    // Jenkins, Elasticsearch, Prometheus, OWASP Juice Shop.
    ("GET", "/job/{name}/buildWithParameters", "", "", "", &[], SKIP_PATH),
    ("GET", "/safeRestart", "", "", "", &[], SKIP_PATH),
    ("GET", "/{index}/_refresh", "", "", "", &[], SKIP_PATH),
    ("GET", "/-/reload", "", "", "", &[], SKIP_PATH),
    ("GET", "/rest/user/change-password?current={current}&new={new}&repeat={repeat}", "", "", "", &[], SKIP_PATH),
    // Only the operationId says so.
    ("GET", "/api/v1/things", "purgeCache", "", "", &[], SKIP_OP),
    ("GET", "/api/jobs/{id}", "jobs_run", "", "", &["jobs"], SKIP_OP),
    ("GET", "/api/runs/", "runs_create", "", "", &["runs"], SKIP_OP),
    ("GET", "/api/account/password", "resetPassword", "", "", &[], SKIP_OP),
    ("GET", "/api/v1/users/{id}", "getAndDeleteUser", "", "", &[], SKIP_OP),
    ("GET", "/api/v1/users/{id}", "UsersController@destroy", "", "", &[], SKIP_OP),
    ("GET", "/api/v1/db", "dbInit", "", "", &[], SKIP_OP),
    // Only the summary says so.
    ("GET", "/api/v1/profile/avatar", "", "Regenerate the avatar thumbnail", "", &[], SKIP_SUMMARY),
    ("GET", "/api/session", "", "Logs out every session of the user", "", &[], SKIP_SUMMARY),
    ("GET", "/api/v1/database", "", "Database initialization", "", &[], SKIP_SUMMARY),
    ("GET", "/api/v1/users/{id}/avatar", "getAvatar", "Get the avatar. Wipes the CDN cache.", "", &[], SKIP_SUMMARY),
    ("GET", "/api/v1/demo", "", "Reset demo content (cannot be undone)", "", &[], SKIP_SUMMARY),
    ("GET", "/api/v1/releases/latest", "", "Kick off a deployment", "", &[], SKIP_SUMMARY),
    ("GET", "/api/v1/contacts/csv", "", "Import contacts from CSV", "", &[], SKIP_SUMMARY),
    // Only the description says so.
    ("GET", "/api/v1/maintenance", "", "", "Truncates the audit table. This cannot be undone.", &[], SKIP_DESCRIPTION),
    ("GET", "/api/v1/reports", "", "Reports", "Has side effects: regenerates every report.", &[], SKIP_DESCRIPTION),
    ("GET", "/api/v1/maintenance/cache", "", "", "This endpoint will clear the cache for every tenant.", &[], SKIP_DESCRIPTION),
    ("GET", "/api/v1/users/{id}", "getUser", "Get a user", "Returns the user and re-creates the search index.", &[], SKIP_DESCRIPTION),
    ("GET", "/api/v1/digest", "", "Weekly digest", "**Warning:** sends an email to every subscriber.", &[], SKIP_DESCRIPTION),
    ("GET", "/api/v1/tenants/{id}/reinit", "", "", "All tenant data will be deleted and re-seeded.", &[], SKIP_PATH),
    ("GET", "/api/v1/tenants/{id}/fresh", "", "", "All tenant data will be deleted and re-seeded.", &[], SKIP_DESCRIPTION),
    // Only a tag says so.
    ("GET", "/api/v1/dev/fixtures", "", "", "", &["db-init"], SKIP_TAG),
    ("GET", "/api/v1/legacy/{id}", "", "", "", &["Delete"], SKIP_TAG),
    // A weak signal gives way to a read: the path names a status.
    ("GET", "/api/v1/bootstrap-status", "", "", "", &["Delete"], ALLOW),
    // Other methods.
    ("POST", "/api/v1/users", "createUser", "Create a user", "", &[], Some(Field::Method)),
    ("DELETE", "/api/v1/users/{id}", "", "", "", &[], Some(Field::Method)),

    // ---- May be called ---------------------------------------------------
    ("GET", "/api/v1/runs", "listRuns", "List runs", "", &["runs"], ALLOW),
    ("GET", "/imports/{id}", "getImport", "Get an import", "", &["Imports"], ALLOW),
    ("GET", "/api/v1/imports", "", "Imports", "", &["Imports"], ALLOW),
    ("GET", "/v1/checkout/sessions", "GetCheckoutSessions", "List all Checkout Sessions", "Returns a list of Checkout Sessions.", &[], ALLOW),
    ("GET", "/v1/checkout/sessions/{session}", "", "Checkout session", "", &[], ALLOW),
    ("GET", "/v1/charges", "GetCharges", "List all charges", "", &[], ALLOW),
    ("GET", "/v1/payouts", "", "", "", &[], ALLOW),
    ("GET", "/v1/refunds/{refund}", "", "Retrieve a refund", "", &[], ALLOW),
    ("GET", "/v1/setup_intents", "", "", "", &[], ALLOW),
    ("GET", "/v1/customers/search", "", "Search customers", "", &[], ALLOW),
    ("GET", "/v1/invoices/upcoming", "", "Retrieve an upcoming invoice", "", &[], ALLOW),
    ("GET", "/payments", "", "", "", &[], ALLOW),
    ("GET", "/settings", "", "", "", &[], ALLOW),
    ("GET", "/login", "", "", "", &[], ALLOW),
    ("GET", "/messages/sent", "", "", "", &[], ALLOW),
    ("GET", "/jobs/running", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/migrations", "", "", "", &[], ALLOW),
    ("GET", "/notifications", "", "", "", &[], ALLOW),
    ("GET", "/sync/status", "", "Sync status", "", &[], ALLOW),
    ("GET", "/api/v1/import-status", "importStatus", "Import status", "", &[], ALLOW),
    ("GET", "/api/v1/runtime", "", "", "", &[], ALLOW),
    ("GET", "/runbooks/{id}", "", "", "", &[], ALLOW),
    ("GET", "/integrations/sendgrid", "", "", "", &[], ALLOW),
    ("GET", "/files/dropbox", "", "", "", &[], ALLOW),
    ("GET", "/api/important", "", "", "", &[], ALLOW),
    ("GET", "/backup.zip", "", "", "", &[], ALLOW),
    ("GET", "/logs/debug.log", "", "", "", &[], ALLOW),
    ("GET", "/dump.sql", "", "", "", &[], ALLOW),
    ("GET", "/reports/{id}/export", "exportReport", "Export a report", "", &[], ALLOW),
    ("GET", "/health", "", "", "", &[], ALLOW),
    ("GET", "/actuator/health", "health", "Health check", "", &["actuator"], ALLOW),
    ("GET", "/actuator/env", "", "", "", &["actuator"], ALLOW),
    ("GET", "/api/v1/triggers", "", "List triggers", "", &[], ALLOW),
    ("GET", "/api/v1/locks", "", "", "", &["Locks"], ALLOW),
    ("GET", "/api/v1/bans", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/jobs/{id}/runs", "", "", "", &["runs"], ALLOW),
    ("GET", "/api/runs/", "runs_list", "", "", &["runs"], ALLOW),
    ("GET", "/api/v1/history", "", "Run history", "", &[], ALLOW),
    ("GET", "/api/v1/stopwords", "", "Stop words", "", &[], ALLOW),
    ("GET", "/api/v1/updates", "", "Available updates", "", &[], ALLOW),
    ("GET", "/api/v1/deployments", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/changelog", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/quickstart", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/autocomplete?q={q}", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/items?sort=created", "", "", "", &[], ALLOW),
    ("GET", "/jobs/{id}/dry-run", "", "", "", &[], ALLOW),
    ("GET", "/api/post/{id}", "", "", "", &[], ALLOW),
    ("GET", "/block/{hash}", "getBlock", "", "", &[], ALLOW),
    ("GET", "/api/v1/schedule", "", "", "", &[], ALLOW),
    ("GET", "/api/v1/users/{id}/following", "", "", "", &[], ALLOW),
    // GitHub-ish.
    ("GET", "/repos/{owner}/{repo}/actions/runs", "actions/list-workflow-runs-for-repo", "List workflow runs for a repository", "", &["actions"], ALLOW),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", "pulls/check-if-merged", "Check if a pull request has been merged", "", &["pulls"], ALLOW),
    ("GET", "/user/installations", "apps/list-installations-for-authenticated-user", "List app installations accessible to the user access token", "", &["apps"], ALLOW),
    ("GET", "/repos/{owner}/{repo}/subscription", "activity/get-repo-subscription", "Get a repository subscription", "", &["activity"], ALLOW),
    // A lone noun-like action segment gives way to an explicit read.
    ("GET", "/repos/{owner}/{repo}/import", "migrations/get-import-status", "Get an import status", "View the progress of an import.", &["migrations"], ALLOW),
    ("GET", "/gists/{gist_id}/star", "gists/check-is-starred", "Check if a gist is starred", "", &["gists"], ALLOW),
    ("GET", "/orgs/{org}/migrations/{migration_id}/archive", "migrations/download-archive-for-org", "Download an organization migration archive", "Fetches the URL to a migration archive.", &["migrations"], ALLOW),
    ("GET", "/v1/sys/health", "", "Returns the health status of Vault.", "", &[], ALLOW),
    ("GET", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "readAppsV1NamespacedDeploymentScale", "", "read scale of the specified Deployment", &["apps_v1"], ALLOW),
    // Slack-ish.
    ("GET", "/api/conversations.list", "conversations.list", "Lists all channels in a Slack team.", "", &["conversations"], ALLOW),
    ("GET", "/api/conversations.history", "conversations.history", "Fetches a conversation's history of messages and events.", "", &["conversations"], ALLOW),
    // Kubernetes-ish.
    ("GET", "/api/v1/namespaces/{namespace}/pods/{name}/log", "readCoreV1NamespacedPodLog", "read log of the specified Pod", "", &["core_v1"], ALLOW),
    ("GET", "/apis/batch/v1/namespaces/{namespace}/jobs", "listBatchV1NamespacedJob", "list or watch objects of kind Job", "", &["batch_v1"], ALLOW),
    ("GET", "/api/v1/watch/namespaces/{namespace}/pods", "watchCoreV1NamespacedPodList", "", "", &["core_v1"], ALLOW),
    // Django, Laravel.
    ("GET", "/admin/auth/user/", "", "", "", &[], ALLOW),
    ("GET", "/_ignition/health-check", "", "", "", &[], ALLOW),
    ("GET", "/sanctum/csrf-cookie", "", "", "", &[], ALLOW),
    ("GET", "/.well-known/openid-configuration", "", "", "", &[], ALLOW),
    // Prose that mentions state changes without making them.
    ("GET", "/api/v1/users/{id}", "getUser", "Get a user", "Returns the user. Deleted users are not returned.", &["users"], ALLOW),
    ("GET", "/api/v1/users/{id}/profile", "getProfile", "Get a profile", "Retrieves the profile; the handler removes internal fields.", &[], ALLOW),
    ("GET", "/api/v1/tokens/{id}", "getToken", "Get a token", "The token expires after one hour.", &[], ALLOW),
    ("GET", "/api/v1/rate_limit", "", "Rate limit", "The limit resets every hour.", &[], ALLOW),
    ("GET", "/api/v1/status", "", "Service status", "Read-only. This call has no side effects and does not change state.", &[], ALLOW),
    ("GET", "/api/v1/events", "listEvents", "", "Returns events. Each event is created when a user signs in.", &[], ALLOW),
    ("GET", "/api/v1/imports/{id}/report", "", "Import report", "To delete an import, use DELETE /imports/{id}.", &[], ALLOW),
    ("GET", "/api/v1/init-status", "getInitStatus", "", "", &["db-init"], ALLOW),
    ("GET", "/api/v1/trash", "listTrash", "List trashed items", "Items are deleted for good after 30 days.", &[], ALLOW),
];

fn endpoint(row: &Row) -> Endpoint {
    let (method, path, op, summary, description, tags, _) = *row;
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut ep = Endpoint::discovered(method, path);
    ep.operation_id = some(op);
    ep.summary = some(summary);
    ep.description = some(description);
    ep.tags = tags.iter().map(|t| t.to_string()).collect();
    ep
}

#[test]
fn real_world_operations_are_triaged() {
    let skips = ROWS.iter().filter(|r| r.6.is_some()).count();
    let allows = ROWS.len() - skips;
    assert!(skips >= 35 && allows >= 35, "{skips} skipped and {allows} allowed rows");
    let mut failures = Vec::new();
    for row in ROWS {
        let ep = endpoint(row);
        let verdict = judge(&ep);
        let label = format!("{} {} (operationId {:?})", row.0, row.1, row.2);
        match (row.6, &verdict) {
            (None, None) => {}
            (None, Some(v)) => failures.push(format!("{label}: expected allowed, skipped: {}", v.reason)),
            (Some(field), None) => failures.push(format!("{label}: expected skipped for its {field}, allowed")),
            (Some(field), Some(v)) => {
                if v.field != field {
                    failures.push(format!("{label}: expected skipped for its {field}, skipped for: {}", v.reason));
                } else if !v.reason.contains(field.name()) || !v.reason.to_lowercase().contains(&v.word.to_lowercase()) {
                    failures.push(format!("{label}: reason names neither field {field} nor word '{}': {}", v.word, v.reason));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} rows wrong:\n{}", failures.len(), ROWS.len(), failures.join("\n"));
}

#[test]
fn reasons_read_as_sentences() {
    let reason = |row: usize| judge(&endpoint(&ROWS[row])).unwrap().reason;
    assert_eq!(reason(0), "GET operation whose path segment 'createdb' reads as the verb 'create' (compound 'create'+'db')");
    assert_eq!(reason(1), "GET operation whose description starts with the verb 'wipes'");
    let install = ROWS.iter().position(|r| r.1 == "/install.php").unwrap();
    assert_eq!(reason(install), "GET operation whose path segment 'install.php' reads as the verb 'install' (script extension '.php' stripped)");
    let mut ep = Endpoint::discovered("GET", "/api/v1/thing");
    ep.summary = Some("Creates and populates the database".into());
    assert_eq!(judge(&ep).unwrap().reason, "GET operation whose summary starts with the verb 'creates'");
    ep.summary = Some("Thing".into());
    ep.description = Some("Fills the tables with dummy data.".into());
    assert_eq!(judge(&ep).unwrap().reason, "GET operation whose description says 'dummy data'");
}
