//! HTML pages the demo serves: a Werkzeug debugger traceback and console (as
//! Werkzeug 2.0 renders them), a Swagger-UI-like docs page, Flask-style 404s
//! and an upstream's error page that the weather route passes through.

/// Escapes text content (`&`, `<`, `>`): quotes need no escaping between
/// tags, and source lines keep them readable, e.g. `api_key = 'abc'`.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One traceback frame as the debugger lists it.
pub(crate) struct Frame<'a> {
    pub file: &'a str,
    pub line: u32,
    pub function: &'a str,
    /// Source lines before the failing one (shown greyed).
    pub before: &'a [&'a str],
    /// The failing line.
    pub current: &'a str,
}

/// Minimal HTML escaping, as Werkzeug's `escape` does it.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn debugger_head(title: &str, console_mode: bool, secret: &str) -> String {
    format!(
        r#"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN"
  "http://www.w3.org/TR/html4/loose.dtd">
<html>
  <head>
    <title>{title} // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css"
        type="text/css">
    <!-- We need to make sure this has a favicon so that the debugger does
         not accidentally trigger a request to /favicon.ico which might
         change the application's state. -->
    <link rel="shortcut icon"
        href="?__debugger__=yes&amp;cmd=resource&amp;f=console.png">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
    <script type="text/javascript">
      var TRACEBACK = 140230811541664,
          CONSOLE_MODE = {console_mode},
          EVALEX = true,
          EVALEX_TRUSTED = false,
          SECRET = "{secret}";
    </script>
  </head>
  <body style="background-color: #fff">
    <div class="debugger">
"#
    )
}

const DEBUGGER_FOOTER: &str = r#"      <div class="footer">
        Brought to you by <strong class="arthur">DON'T PANIC</strong>, your
        friendly Werkzeug powered traceback interpreter.
      </div>
    </div>

    <div class="pin-prompt">
      <div class="inner">
        <h3>Console Locked</h3>
        <p>
          The console is locked and needs to be unlocked by entering the PIN.
          You can find the PIN printed out on the standard output of your
          shell that runs the server.
        <form>
          <p>PIN:
            <input type=text name=pin size=14>
            <input type=submit name=btn value="Confirm Pin">
        </form>
      </div>
    </div>
  </body>
</html>
"#;

/// The 500 page of Werkzeug's interactive debugger for `exception`
/// (e.g. `KeyError: 'abc'`), with `frames` innermost last.
pub(crate) fn werkzeug_traceback(exception: &str, frames: &[Frame<'_>], secret: &str) -> String {
    let exc_name = exception.split(':').next().unwrap_or(exception);
    let mut html = debugger_head(&escape_html(exception), false, secret);
    html.push_str(&format!(
        "<h1>{name}</h1>\n<div class=\"detail\">\n  <p class=\"errormsg\">{msg}</p>\n</div>\n\
         <h2 class=\"traceback\">Traceback <em>(most recent call last)</em></h2>\n\
         <div class=\"traceback\">\n  <h3></h3>\n  <ul>",
        name = escape_html(exc_name),
        msg = escape_html(exception)
    ));
    let mut plain = String::from("Traceback (most recent call last):\n");
    for (index, frame) in frames.iter().enumerate() {
        let library = if frame.file.starts_with("/srv/app/") { "" } else { " library" };
        html.push_str(&format!(
            "<li><div class=\"frame\" id=\"frame-14023081{index:07}\">\n  \
             <h4>File <cite class=\"filename\">\"{file}\"</cite>,\n      \
             line <em class=\"line\">{line}</em>,\n      \
             in <code class=\"function\">{function}</code></h4>\n  \
             <div class=\"source{library}\">",
            file = escape_html(frame.file),
            line = frame.line,
            function = escape_html(frame.function),
        ));
        for before in frame.before {
            html.push_str(&format!("<pre class=\"line before\"><span class=\"ws\">    </span>{}</pre>\n", escape_text(before)));
        }
        html.push_str(&format!("<pre class=\"line current\"><span class=\"ws\">    </span>{}</pre></div>\n</div>\n", escape_text(frame.current)));
        plain.push_str(&format!("  File \"{}\", line {}, in {}\n    {}\n", frame.file, frame.line, frame.function, frame.current));
    }
    plain.push_str(exception);
    html.push_str(&format!(
        "</ul>\n  <blockquote>{exc}</blockquote>\n</div>\n\n<div class=\"plain\">\n  \
         <form action=\"/?__debugger__=yes&amp;cmd=paste\" method=\"post\">\n    <p>\n      \
         <input type=\"hidden\" name=\"language\" value=\"pytb\">\n      \
         This is the Copy/Paste friendly version of the traceback.\n    </p>\n    \
         <textarea cols=\"50\" rows=\"10\" name=\"code\" readonly>{plain}</textarea>\n  </form>\n</div>\n\
         <div class=\"explanation\">\n  The debugger caught an exception in your WSGI application.  You can now\n  \
         look at the traceback which led to the error.  <span class=\"nojavascript\">\n  \
         If you enable JavaScript you can also use additional features such as code\n  \
         execution (if the evalex feature is enabled), automatic pasting of the\n  \
         exceptions and much more.</span>\n</div>\n",
        exc = escape_html(exception),
        plain = escape_html(&plain),
    ));
    html.push_str(DEBUGGER_FOOTER);
    html.push_str(&format!("\n<!--\n\n{plain}\n\n-->\n"));
    html
}

/// Werkzeug's interactive console page (`/console`).
pub(crate) fn werkzeug_console(secret: &str) -> String {
    let mut html = debugger_head("Console", true, secret);
    html.push_str(
        "<h1>Interactive Console</h1>\n<div class=\"explanation\">\n\
         In this console you can execute Python expressions in the context of the\n\
         application.  The initial namespace was created by the debugger automatically.\n</div>\n\
         <div class=\"console\"><div class=\"inner\">The Console requires JavaScript.</div></div>\n",
    );
    html.push_str(DEBUGGER_FOOTER);
    html
}

/// The frames of the demo's "crash" in `get_resource`: the caller's key is a
/// local of the failing frame and the KeyError message.
pub(crate) fn resource_crash_page(api_key: &str, secret: &str) -> String {
    let key_line = format!("api_key = {}", python_repr(api_key));
    let lookup = "record = KEY_STORE[api_key]";
    let before = [key_line.as_str(), "if not api_key:", "    return \"Unauthorized\", 401", "# Simulated processing"];
    let frames = flask_frames(Frame { file: "/srv/app/app.py", line: 42, function: "get_resource", before: &before, current: lookup });
    werkzeug_traceback(&format!("KeyError: {}", python_repr(api_key)), &frames, secret)
}

/// The crash of a list route given a non-integer `limit`.
pub(crate) fn limit_crash_page(route_function: &str, limit: &str, api_key: &str, secret: &str) -> String {
    let key_line = format!("api_key = {}", python_repr(api_key));
    let before = [key_line.as_str(), "page = request.args.get(\"page\", \"1\")"];
    let frames = flask_frames(Frame {
        file: "/srv/app/app.py",
        line: 87,
        function: route_function,
        before: &before,
        current: "limit = int(request.args.get(\"limit\", \"20\"))",
    });
    let exception = format!("ValueError: invalid literal for int() with base 10: {}", python_repr(limit));
    werkzeug_traceback(&exception, &frames, secret)
}

/// Flask 2.0's dispatch frames followed by the application's frame.
fn flask_frames(app_frame: Frame<'_>) -> Vec<Frame<'_>> {
    const FLASK: &str = "/usr/local/lib/python3.8/site-packages/flask/app.py";
    vec![
        Frame { file: FLASK, line: 2088, function: "__call__", before: &[], current: "return self.wsgi_app(environ, start_response)" },
        Frame { file: FLASK, line: 2073, function: "wsgi_app", before: &[], current: "response = self.handle_exception(e)" },
        Frame { file: FLASK, line: 2070, function: "wsgi_app", before: &[], current: "response = self.full_dispatch_request()" },
        Frame { file: FLASK, line: 1515, function: "full_dispatch_request", before: &[], current: "rv = self.handle_user_exception(e)" },
        Frame { file: FLASK, line: 1513, function: "full_dispatch_request", before: &[], current: "rv = self.dispatch_request()" },
        Frame {
            file: FLASK,
            line: 1499,
            function: "dispatch_request",
            before: &[],
            current: "return self.ensure_sync(self.view_functions[rule.endpoint])(**req.view_args)",
        },
        app_frame,
    ]
}

/// Python's `repr` of a str, enough for the demo (`None` for an absent value).
fn python_repr(value: &str) -> String {
    if value.is_empty() {
        return "None".to_string();
    }
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Flask's HTML 404 page.
pub(crate) const FLASK_NOT_FOUND: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n\
<title>404 Not Found</title>\n<h1>Not Found</h1>\n\
<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

/// A Swagger-UI-like documentation page pointing at the spec.
pub(crate) const DOCS_HTML: &str = r##"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Swagger UI - Palisade Demo API</title>
  <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.onload = function () {
      window.ui = SwaggerUIBundle({
        url: "/openapi.json",
        dom_id: "#swagger-ui",
        deepLinking: true,
        presets: [SwaggerUIBundle.presets.apis],
      });
    };
  </script>
</body>
</html>
"##;

/// What the weather upstream (a Java service) answers when it fails; the
/// vulnerable demo passes it through verbatim.
pub(crate) const UPSTREAM_ERROR_HTML: &str = r#"<!doctype html><html lang="en"><head><title>HTTP Status 500 – Internal Server Error</title></head><body><h1>HTTP Status 500 – Internal Server Error</h1><hr class="line" /><p><b>Type</b> Exception Report</p><p><b>Message</b> Request processing failed; nested exception is java.lang.NullPointerException: city must not be null</p><p><b>Exception</b></p><pre>org.springframework.web.util.NestedServletException: Request processing failed; nested exception is java.lang.NullPointerException: city must not be null
	org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
	com.acme.weather.ForecastController.forecast(ForecastController.java:88)
	com.acme.weather.ForecastService.lookup(ForecastService.java:41)
</pre><p><b>Note</b> The full stack trace of the root cause is available in the server logs.</p><hr class="line" /><h3>Apache Tomcat/9.0.41</h3></body></html>"#;
