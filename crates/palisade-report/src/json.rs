//! JSON: the full report record, as described by `docs/report-schema.json`.

use crate::{ReportError, ReportWriter, WriteOptions};
use palisade_core::{Report, RuleMeta};

pub(crate) struct JsonWriter;

impl ReportWriter for JsonWriter {
    fn write(&self, report: &Report, _rules: &[RuleMeta], _opts: &WriteOptions, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(|e| {
            if e.is_io() {
                ReportError::Io(e.into())
            } else {
                ReportError::Encode(e.to_string())
            }
        })?;
        out.write_all(b"\n")?;
        Ok(())
    }
}
