//! MDSync's mapping formats: a user coming from MDSync keeps their mappings.

mod import;

pub use import::{
    import_mdsync, import_mdsync_text, list_mdsync_mappings, read_mdsync_mapping, ImportReport,
    ImportShape, MdsyncMappingSummary, MdsyncOwner, MdsyncReadError, TypeCount, MDSYNC_NAMESPACE,
};

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_mdsync_shape_imports_with_a_report() {
        let dictionary = json!({
            "aggregatedDataElements": {
                "DatAaaa0001": {"mappedId": "DatDest0001", "mapping": {
                    "options": {"OptYes00001": {"code": "YES", "mappedCode": "SI"}}}},
                "DatBbbb0001": {"mappedId": "not an id"}
            },
            "programWithDataElementsToAggregated": {},
            "someFutureType": {"x": {}}
        });
        let shapes = [
            (dictionary.clone(), ImportShape::Dictionary),
            (
                json!({"mappingDictionary": dictionary}),
                ImportShape::DataStoreEntry,
            ),
            (
                json!({"id": "MapAaaa0001", "owner": {"type": "instance", "id": "InsAaaa0001"},
                       "mappingDictionary": dictionary}),
                ImportShape::DataSourceMapping,
            ),
            (
                json!({"username": "u", "password": "secret", "metadataMapping": dictionary}),
                ImportShape::InstanceDetails,
            ),
        ];
        for (value, shape) in shapes {
            let (mapping, report) = import_mdsync(&value).expect("imports");
            assert_eq!(report.shape, shape);
            assert_eq!(
                report.imported,
                vec![TypeCount {
                    mapping_type: "aggregatedDataElements".into(),
                    entries: 2
                }]
            );
            assert_eq!(report.not_understood.len(), 1);
            assert_eq!(
                report.not_understood[0].to_string(),
                "aggregatedDataElements › DatBbbb0001: its mappedId \"not an id\" is not a DHIS2 \
                 id (11 letters or digits, starting with a letter)"
            );
            assert_eq!(report.kept_unused.len(), 1, "{:?}", report.kept_unused);
            assert!(mapping
                .get("aggregatedDataElements", "DatAaaa0001")
                .is_some());
            assert!(!serde_json::to_string(&mapping).unwrap().contains("secret"));
            let text = report.to_string();
            assert!(
                text.starts_with("Imported 2 entries: 2 aggregatedDataElements."),
                "{text}"
            );
            assert!(text.contains("Not understood, left out (1):"), "{text}");
        }
        assert!(import_mdsync(&json!("text")).is_err());
    }
}
