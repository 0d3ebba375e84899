//! `/api/staticContent/{logo_banner|logo_front}` per version: the default logos by redirect,
//! an uploaded one once switched on, the JSON descriptor the header bar asks for.
mod platform_support;

use dhis2_sim::{Sim, SimRequest};
use platform_support::*;

const BASE: &str = "http://127.0.0.1";

#[test]
fn logos_redirect_to_the_defaults_until_a_custom_one_is_uploaded() {
    for version in ["2.30", "2.38", "2.41"] {
        let sim = sim(version);
        let image = |url: &str| send(&sim, anonymous(url).with_header("Accept", IMAGE_ACCEPT));
        let banner = image("/api/staticContent/logo_banner");
        assert_eq!(banner.status, 302, "{version}");
        let location = banner.header("Location").unwrap_or_default().to_string();
        assert_eq!(
            location,
            format!("{BASE}/dhis-web-commons/css/light_blue/logo_banner.png")
        );
        let followed = image(location.trim_start_matches(BASE));
        assert_eq!(
            (followed.status, followed.header("Content-Type")),
            (200, Some("image/png"))
        );
        assert_eq!(&followed.body[1..4], b"PNG");
        let front = image("/api/staticContent/logo_front");
        assert_eq!(
            front.header("Location"),
            Some(format!("{BASE}/dhis-web-commons/security/logo_front.png").as_str())
        );
        assert_eq!(
            image("/dhis-web-commons/security/logo_front.png").status,
            200
        );
    }
    // The versioned path needs a login before 2.41.
    let versioned = |version: &str| {
        send(
            &sim(version),
            anonymous("/api/30/staticContent/logo_banner"),
        )
    };
    assert_eq!(versioned("2.38").status, 302);
    assert_eq!(
        versioned("2.38").header("Location"),
        Some(format!("{BASE}/dhis-web-commons/security/login.action").as_str())
    );
    assert_eq!(
        versioned("2.41").status,
        404,
        "public, JSON by default: no custom file"
    );
}

fn png_upload(user: &str, key: &str, content_type: &str, bytes: &[u8]) -> SimRequest {
    let boundary = "----startupBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"logo.png\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    as_user(user, "POST", &format!("/api/staticContent/{key}"))
        .with_header(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .with_body(body)
}

fn use_custom_banner(sim: &Sim) {
    let request = as_user(
        "admin",
        "POST",
        "/api/systemSettings/keyUseCustomLogoBanner?value=true",
    )
    .with_header("Content-Type", "text/plain");
    assert_eq!(send(sim, request).status, 200);
}

#[test]
fn an_uploaded_logo_is_served_once_switched_on() {
    let custom = b"\x89PNG\r\n\x1a\nmy-logo".to_vec();
    for version in ["2.38", "2.41"] {
        let sim = sim(version);
        assert_eq!(
            send(
                &sim,
                png_upload("guest", "logo_banner", "image/png", &custom)
            )
            .status,
            403
        );
        let text = send(&sim, png_upload("admin", "logo_banner", "text/plain", b"x"));
        assert_eq!(
            (text.status, json_of(&text)["status"].as_str()),
            (415, Some("WARNING"))
        );
        let bad_key = send(&sim, png_upload("admin", "logo_nope", "image/png", &custom));
        assert_eq!(json_of(&bad_key)["message"], "This key is not supported.");
        use_custom_banner(&sim);
        let nothing = send(
            &sim,
            anonymous("/api/staticContent/logo_banner").with_header("Accept", IMAGE_ACCEPT),
        );
        assert_eq!(
            json_of(&nothing)["message"],
            "key 'document/logo_banner' not found."
        );
        assert_eq!(
            send(
                &sim,
                png_upload("admin", "logo_banner", "image/png", &custom)
            )
            .status,
            204
        );
        let served = send(
            &sim,
            anonymous("/api/staticContent/logo_banner").with_header("Accept", IMAGE_ACCEPT),
        );
        assert_eq!((served.status, served.body.clone()), (200, custom.clone()));
        let descriptor = send(
            &sim,
            runtime("guest", "GET", "/api/staticContent/logo_banner"),
        );
        assert_eq!(
            descriptor.status, 302,
            "DHIS2 sends the descriptor with 302 Found"
        );
        assert!(descriptor.header("Location").is_none());
        let shape = recorded("headerbar/logo_banner.json");
        let body = json_of(&descriptor);
        assert_eq!(keys_of(&body), keys_of(&shape));
        assert_eq!(keys_of(&body["images"]), keys_of(&shape["images"]));
        assert_eq!(
            body["images"]["png"],
            format!("{BASE}/api/staticContent/logo_banner")
        );
    }
    // No JSON descriptor before 2.31.6: the header bar's request is redirected like an image.
    assert_eq!(
        send(
            &sim("2.31.5"),
            runtime("guest", "GET", "/api/staticContent/logo_banner")
        )
        .status,
        302
    );
    assert_eq!(
        send(
            &sim("2.31.6"),
            runtime("guest", "GET", "/api/staticContent/logo_banner")
        )
        .status,
        404
    );
}
