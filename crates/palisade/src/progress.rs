//! The progress bar: one consumer of the scan's event stream.

use indicatif::{ProgressBar, ProgressStyle};
use palisade_core::ScanEvent;
use std::io::IsTerminal;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// Consume events until the channel closes; draw on stderr only when it is a terminal.
pub async fn consume(mut rx: UnboundedReceiver<ScanEvent>, enabled: bool) {
    let bar = if enabled && std::io::stderr().is_terminal() {
        let b = ProgressBar::new_spinner();
        b.set_style(ProgressStyle::with_template("{spinner} {elapsed} {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        b.enable_steady_tick(Duration::from_millis(120));
        Some(b)
    } else {
        None
    };
    let (mut requests, mut findings, mut phase) = (0u64, 0usize, String::from("starting"));
    while let Some(event) = rx.recv().await {
        match event {
            ScanEvent::Phase { name } => phase = name,
            ScanEvent::Request { .. } => requests += 1,
            ScanEvent::Finding { .. } => findings += 1,
            ScanEvent::Finished { .. } => break,
            _ => {}
        }
        if let Some(b) = &bar {
            b.set_message(format!("{phase}: {requests} requests, {findings} findings"));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}
