//! The aggregated pipeline's read + map + encode for one `dataValueSets` answer, as
//! `../aggregated_sync.rs` measures it natively: `DataValueSet::from_json`, the mapper (the
//! default mapping), `prepare_for_sending`, `encode` in chunks of 10,000. `run.mjs` times it.

use mdsync_core::mapping::{DataValueSet, Mapper, MappingContext, MappingDictionary};
use mdsync_core::sync::aggregated::write::{encode, prepare_for_sending};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Pipeline {
    mapping: MappingDictionary,
    context: MappingContext,
    encoded: f64,
}

#[wasm_bindgen]
impl Pipeline {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Pipeline, JsError> {
        let default = "HllvX50cXC0"
            .parse()
            .map_err(|_| JsError::new("the default combo id is not a uid"))?;
        Ok(Pipeline {
            mapping: MappingDictionary::default(),
            context: MappingContext {
                default_ids: vec![default],
                ..MappingContext::default()
            },
            encoded: 0.0,
        })
    }

    /// Reads, maps and encodes one answer; returns how many values it sent.
    pub fn run(&mut self, body: &[u8]) -> Result<u32, JsError> {
        let set = DataValueSet::from_json(body).map_err(|e| JsError::new(&e.to_string()))?;
        let mapper = Mapper::new(&self.mapping, &self.context);
        let mut mapped = mapper.data_values(set).payload.data_values;
        prepare_for_sending(&mut mapped);
        for chunk in mapped.chunks(10_000) {
            self.encoded += encode(chunk).len() as f64;
        }
        Ok(mapped.len() as u32)
    }

    /// Bytes encoded so far.
    pub fn encoded(&self) -> f64 {
        self.encoded
    }
}
