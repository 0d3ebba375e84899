//! dhis2-sim: a faithful in-memory DHIS2 Web API.
