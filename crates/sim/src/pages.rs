//! The few HTML pages a DHIS2 server shows outside the API: the login page and a home page.

use crate::apps::AppStore;
use crate::{Account, SimResponse};

/// DHIS2's login page (what a browser, or a client without `X-Requested-With`, is sent to).
pub fn login_page(application_title: &str, failed: bool) -> SimResponse {
    let error = if failed {
        r#"<p id="loginMessage" class="error">Wrong username or password</p>"#
    } else {
        ""
    };
    let title = escape(application_title);
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:Roboto,Arial,sans-serif;background:#f4f6f8;margin:0}}
header{{background:#2c6693;color:#fff;height:48px;line-height:48px;padding:0 16px}}
form{{background:#fff;width:320px;margin:64px auto;padding:24px;border-radius:4px}}
label,input{{display:block;width:100%;margin-bottom:12px}} .error{{color:#b71c1c}}</style></head>
<body><header>{title}</header>
<form id="loginForm" method="post" action="/dhis-web-commons-security/login.action">
<h2>Sign in</h2>{error}
<label for="j_username">Username</label><input type="text" id="j_username" name="j_username" autocomplete="username" required>
<label for="j_password">Password</label><input type="password" id="j_password" name="j_password" autocomplete="current-password" required>
<input type="submit" id="submit" value="Sign in">
</form></body></html>"#
    );
    SimResponse::bytes(200, "text/html;charset=UTF-8", html)
}

/// `/`: the apps the user may open (stands in for the dashboard app).
pub fn home_page(application_title: &str, apps: &AppStore, user: &Account) -> SimResponse {
    let links: String = apps
        .all()
        .filter(|app| user.has_authority(&app.authority))
        .map(|app| {
            let launch = app.manifest["launch_path"].as_str().unwrap_or("index.html");
            format!(
                r#"<li><a href="/api/apps/{key}/{launch}">{name}</a></li>"#,
                key = escape(&app.key),
                launch = escape(launch),
                name = escape(&app.name)
            )
        })
        .collect();
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>Logged in as {user}. <a href="/dhis-web-commons-security/logout.action">Log out</a></p>
<ul id="apps">{links}</ul></body></html>"#,
        title = escape(application_title),
        user = escape(&user.username),
    );
    SimResponse::bytes(200, "text/html;charset=UTF-8", html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
