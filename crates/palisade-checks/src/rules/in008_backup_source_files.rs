use palisade_core::{Category, RuleMeta, Severity};

/// IN008: backup archives, database dumps, source copies, VCS metadata or dependency manifests served from the web root.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN008",
    name: "backup-source-files-exposed",
    title: "Backup, source or VCS files exposed",
    category: Category::InventoryManagement,
    default_severity: Severity::High,
    owasp: "API9:2023",
    cwe: &[530, 538, 527],
    pci_dss: "6.4.1",
    soc2: "CC6.1",
    what: "Requests a bounded list of well-known leftover files without credentials (at most 30 GETs: `/backup.zip`, `/backup.sql`, `/dump.sql`, `/db.sqlite`, `/database.sql.gz`, `/app.py.bak`, `/app.py~`, `/config.php.bak`, `/web.config.old`, `/.DS_Store`, `/.svn/entries`, `/.hg/requires`, `/.git/HEAD`, `/composer.lock`, `/package.json`, ...) and reports one only when its content proves what it is: zip or gzip magic bytes, an SQL dump (`CREATE TABLE`/`INSERT INTO` lines), the SQLite header, Python or PHP source, an IIS `<configuration>` file, the `.DS_Store` magic, Subversion/Mercurial/Git metadata (`ref: refs/heads/`), or a dependency manifest. A status code alone never counts, and answers shaped like the target's not-found page are ignored. High for database dumps, archives, source and VCS metadata; medium for `.DS_Store` listings; low for dependency manifests (`composer.lock`, `package.json`, ...).",
    why: "A backup or dump holds the data itself (users, orders, password hashes); source and configuration copies show the code, its routes and often its credentials; exposed VCS metadata lets anyone rebuild the repository with its history; a `.DS_Store` lists file names to fetch next. Dependency manifests reveal exact library versions an attacker can match against known vulnerabilities.",
    example: "GET /backup.sql -> 200 -- MySQL dump 10.13 ... CREATE TABLE `users` (...); INSERT INTO `users` VALUES (1,'alice',...);",
    remediation: "Remove backups, dumps, editor copies and VCS directories from anything the web server serves; deploy build artefacts, not working copies; deny dotfiles and backup extensions (`*.bak`, `*~`, `*.old`, `*.sql`, `*.zip`) at the proxy; keep backups in access-controlled storage.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information",
        "https://cwe.mitre.org/data/definitions/530.html",
    ],
    active: false,
};
