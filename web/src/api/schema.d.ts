// Generated from src/server/openapi.json by web/scripts/gen-api.mjs
// (openapi-typescript). Do not edit: change the document and run
// `npm run gen:api` in web/; e2e/api-types.test.mjs checks it is current.

export interface paths {
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Up */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status?: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/version": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server and store version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Version"];
                    };
                };
                401: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller: token name, role and token id (the web UI shows only what the role allows) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The caller */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name?: string;
                            /** @enum {string} */
                            role?: "viewer" | "analyst" | "operator" | "admin";
                            token_id?: number;
                        };
                    };
                };
                401: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text format 0.0.4) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Metrics */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                401: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The same Prometheus metrics at the conventional scrape path */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Metrics */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/plain": string;
                    };
                };
                401: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OpenAPI 3 document */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every tag of the store with its type and versions (offline tags only for admins, drafts for operators and admins) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Tags */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tags?: components["schemas"]["Tag"][];
                        };
                    };
                };
                401: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One tag */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The tag */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Tag"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags/{name}/distribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Value distribution of one version: every value with its users, most users first, ties by value (bool, enum, set; with max_values only the first N, and other_values counts the rest), or count, min, max, sum, avg and about 10 equal-width buckets (int, decimal, date) */
        get: {
            parameters: {
                query?: {
                    /** @description The version's date (default: the version in force as of today) */
                    version?: string;
                    /** @description Use the version in force at this date (not with version) */
                    as_of?: string;
                    /** @description bool, enum, set: keep the N values with the most users and count the others in other_values (numeric tags ignore it) */
                    max_values?: number;
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Distribution */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Distribution"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Count the users of a segment expression */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CountRequest"];
                };
            };
            responses: {
                /** @description Count */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CountResult"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The external ids of a segment: one page (limit, cursor), or all of them streamed as NDJSON (stream: true or Accept: application/x-ndjson). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["QueryRequest"];
                };
            };
            responses: {
                /** @description A page, or the NDJSON stream (one JSON string per line) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["QueryPage"];
                        "application/x-ndjson": string;
                    };
                };
                400: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A segment's users with tag columns as of a date, streamed as CSV (header user_id,tag,...; sets joined with |) or NDJSON (one object per user). Values of personal tags are "***" below the operator role (header X-Tagloop-Masked). Audited before streaming (503 when the audit log refuses). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expr?: string;
                        /** @description A saved segment's name (instead of expr) */
                        segment?: string;
                        /** Format: date */
                        as_of?: string;
                        columns?: string[];
                        /**
                         * @description Default csv, or ndjson with Accept: application/x-ndjson
                         * @enum {string}
                         */
                        format?: "csv" | "ndjson";
                        /** @description At most this many rows (0 or absent: all) */
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description The rows, chunked */
                200: {
                    headers: {
                        "X-Tagloop-Rows"?: number;
                        "X-Tagloop-As-Of"?: string;
                        /** @description Masked columns, comma-separated */
                        "X-Tagloop-Masked"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
                        "application/x-ndjson": string;
                    };
                };
                400: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Saved segments, sorted by name; with with_counts=true each with its count as of as_of, all counted on one snapshot (a segment that cannot be counted has count null and count_error) */
        get: {
            parameters: {
                query?: {
                    /** @description Add count (or count_error) to every segment */
                    with_counts?: boolean;
                    /** @description The counts' date (default today; only with with_counts) */
                    as_of?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Saved segments */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            segments?: components["schemas"]["SavedSegment"][];
                            /**
                             * Format: date
                             * @description with_counts only
                             */
                            as_of?: string;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Save a new segment (409 if the name exists): dynamic (expr), snapshot (expr frozen as of as_of, version 1) or sql (source + query, run now; operator role). List segments come from POST /segments/{name}/list. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SegmentCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedSegment"];
                    };
                };
                400: components["responses"]["Error"];
                403: components["responses"]["Error"];
                409: components["responses"]["Error"];
                504: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One saved segment */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The segment */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedSegment"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        /** Create or replace a saved segment; on a snapshot or sql segment a new version (the kind defaults to the existing segment's; changing it is 409) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SegmentRequest"];
                };
            };
            responses: {
                /** @description Saved */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedSegment"];
                    };
                };
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SavedSegment"];
                    };
                };
                400: components["responses"]["Error"];
                403: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Delete a saved segment (409 while another segment uses it) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The versions of a frozen (snapshot, list, sql) segment, newest first: who, when, members, source */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name?: string;
                            kind?: string;
                            versions?: components["schemas"]["SegmentVersion"][];
                        };
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        /** A new version: a snapshot is frozen again (as of as_of), an sql segment's query runs again (operator role; {{biz_date}} = as_of). Lists take uploads instead (409). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: date */
                        as_of?: string;
                    };
                };
            };
            responses: {
                /** @description The new version (sql: with the match report) */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name?: string;
                            kind?: string;
                            version?: components["schemas"]["SegmentVersion"];
                            match?: components["schemas"]["ListMatch"];
                        };
                    };
                };
                400: components["responses"]["Error"];
                403: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
                503: components["responses"]["Error"];
                504: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload external ids as the next version of a list segment (created if new): text/plain one id per line, or text/csv with a header (the id in ?column= or the first column). Unknown ids are reported, never added. Audited. */
        post: {
            parameters: {
                query?: {
                    /** @description The id column of a CSV upload (implies CSV) */
                    column?: string;
                    /** @description The business date the version stands for (default today) */
                    date?: string;
                };
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/plain": string;
                    "text/csv": string;
                };
            };
            responses: {
                /** @description A new version of an existing list */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ListUpload"];
                    };
                };
                /** @description A new list segment */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ListUpload"];
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
                413: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/lists/match": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The match report of an id list against the users, without saving (or saved as a list segment with ?save_as=NAME). Audited. */
        post: {
            parameters: {
                query?: {
                    /** @description The id column of a CSV upload (implies CSV) */
                    column?: string;
                    /** @description Also save the list as this list segment's next version */
                    save_as?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/plain": string;
                    "text/csv": string;
                };
            };
            responses: {
                /** @description The report */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ListMatch"];
                    };
                };
                /** @description Saved as a new list segment */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ListUpload"];
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
                413: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/segments/{name}/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Count a saved segment as of a date */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM-DD (default today, UTC) */
                    as_of?: components["parameters"]["AsOf"];
                };
                header?: never;
                path: {
                    name: components["parameters"]["SegmentName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Count */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CountResult"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import a wide CSV upload (same rules as `tagloop import`; all or nothing). Audited. */
        post: {
            parameters: {
                query: {
                    id_column: string;
                    /** @description col:type,col:type (other columns are enum) */
                    types?: string;
                    /** @description Business date (default today, UTC) */
                    version?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/csv": string;
                };
            };
            responses: {
                /** @description Import summary */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ImportSummary"];
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
                413: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}/profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every tag value of one user (as of a date). Audited. */
        get: {
            parameters: {
                query?: {
                    /** @description YYYY-MM-DD (default today, UTC) */
                    as_of?: components["parameters"]["AsOf"];
                };
                header?: never;
                path: {
                    /** @description External id, percent-encoded */
                    id: components["parameters"]["UserId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Profile */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Profile"];
                    };
                };
                404: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Forget a user: removed from the universe and from every tag's latest version. Audited. */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description External id, percent-encoded */
                    id: components["parameters"]["UserId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every token (never its secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Tokens */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tokens?: components["schemas"]["Token"][];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a token; its secret is in this answer only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        /** @enum {string} */
                        role: "viewer" | "analyst" | "operator" | "admin";
                    };
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id?: number;
                            name?: string;
                            role?: string;
                            token?: string;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: number;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ingest a batch of events (a JSON array or NDJSON, one event per line): each valid event is appended to the durable event log (fdatasync'ed before the answer; an event_id already logged for its business day is acknowledged as a duplicate and not applied again) and applied to the real-time tags; invalid events are rejected with their index and reason while the others are kept. 400 when every event is rejected, 413 over max_event_bytes. */
        post: {
            parameters: {
                query?: {
                    /** @description durable (default): answer once the events are durable; visible: once they also show in counts, queries and profiles (504 if not within 10 s) */
                    wait?: "durable" | "visible";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Event"][];
                    "application/x-ndjson": string;
                };
            };
            responses: {
                /** @description The outcome */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventBatchResult"];
                    };
                };
                400: components["responses"]["Error"];
                413: components["responses"]["Error"];
                415: components["responses"]["Error"];
                504: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/distribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Distribution of chosen tags over a segment: every value (numeric tags: round buckets chosen from the universe) with users, share, universe users, universe share and TGI (100 = like everyone), its expr for drill-down; numeric tags add count/sum/avg/min/max/percentiles for the segment and the universe */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a segment expression */
                        expr?: string;
                        /** @description or a saved segment name */
                        segment?: string;
                        /** Format: date */
                        as_of?: string;
                        tags: string[];
                        percentiles?: (0.01 | 0.05 | 0.1 | 0.25 | 0.5 | 0.75 | 0.9 | 0.95 | 0.99)[];
                        max_values?: number;
                    };
                };
            };
            responses: {
                /** @description Per tag: values and statistics */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/characterize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What else characterises a segment: every value of every published tag (or of 'tags') ranked by TGI, keeping values held by at least min_share of the segment and min_users users; 'over' (TGI > 100, highest first) and 'under' (TGI < 100, lowest first). The segment's own tags are left out unless 'tags' or 'exclude_tags' is given */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a segment expression */
                        expr?: string;
                        /** @description or a saved segment name */
                        segment?: string;
                        /** Format: date */
                        as_of?: string;
                        tags?: string[];
                        exclude_tags?: string[];
                        /** @default 0.01 */
                        min_share?: number;
                        /** @default 30 */
                        min_users?: number;
                        /** @default 50 */
                        limit?: number;
                    };
                };
            };
            responses: {
                /** @description Ranked values */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/overlap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Overlap of 2 to 16 segments: sizes, the pairwise intersection matrix, union, users in all, each one's exclusive part and (up to 8 segments) every non-empty Venn region with its expr */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        segments: (string | {
                            expr?: string;
                            segment?: string;
                            label?: string;
                        })[];
                        /** Format: date */
                        as_of?: string;
                    };
                };
            };
            responses: {
                /** @description The overlap */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A segment's size as of each day (every step_days) from 'from' to 'to' (at most 731 points) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expr?: string;
                        segment?: string;
                        /** Format: date */
                        from: string;
                        /** Format: date */
                        to: string;
                        step_days?: number;
                    };
                };
            };
            responses: {
                /** @description points: [{date, users}] */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/diff": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Who entered and who left a segment between two dates: counts for viewers; with ids_limit > 0 (analyst) also the first ids of each group, audited (insight.diff) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expr?: string;
                        segment?: string;
                        /** Format: date */
                        from: string;
                        /** Format: date */
                        to: string;
                        ids_limit?: number;
                    };
                };
            };
            responses: {
                /** @description from_users, to_users, stayed, entered, left (+ entered_ids, left_ids) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Saved reports (name, title, version, who and when) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The reports */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
            };
        };
        put?: never;
        /** Save a new report (the definition is checked against the current tags); 409 when the name exists */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        definition: components["schemas"]["ReportDefinition"];
                    };
                };
            };
            responses: {
                /** @description Saved */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a report definition without saving it: a table per date whose every cell is a segment (keys, expr, users, measure values) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        definition: components["schemas"]["ReportDefinition"];
                        /** Format: date */
                        as_of?: string;
                    };
                };
            };
            responses: {
                /** @description The tables */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReportResult"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One report: its definition and version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        /** Create or replace a report (a new version) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        definition: components["schemas"]["ReportDefinition"];
                    };
                };
            };
            responses: {
                /** @description Saved */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Delete a report (its versions stay listed); 409 while a dashboard shows it */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of a report, newest first, with who changed it and when */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/{name}/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a saved report (optionally as of another date) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** Format: date */
                        as_of?: string;
                    };
                };
            };
            responses: {
                /** @description The tables */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReportResult"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dashboards the caller's role may see */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dashboards */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
            };
        };
        put?: never;
        /** Save a new dashboard: a title, an ordered list of saved reports and the minimum role that sees it */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Dashboard"];
                };
            };
            responses: {
                /** @description Saved */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/dashboards/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dashboard (404 when the caller's role may not see it) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dashboard */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        /** Create or replace a dashboard */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Dashboard"];
                };
            };
            responses: {
                /** @description Saved */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": Record<string, unknown>;
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Delete a dashboard */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/insight/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Business metrics of a segment computed by a SQL source: the segment's ids are pushed to the source as {{segment}} (a relation of one column user_id) and the query's rows come back. Audited (insight.metrics). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        expr?: string;
                        segment?: string;
                        /** Format: date */
                        as_of?: string;
                        source: string;
                        query: string;
                        max_rows?: number;
                    };
                };
            };
            responses: {
                /** @description The metric rows */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            columns?: string[];
                            rows?: unknown[][];
                            truncated?: boolean;
                            users?: number;
                            source?: string;
                            /** @enum {string} */
                            pushed_as?: "temp_table" | "values";
                            as_of?: string;
                            elapsed_ms?: number;
                        };
                    };
                };
                400: components["responses"]["Error"];
                503: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The event log (segments, events, bytes, days, torn tail cut off at start) and the real-time engine (tags, events applied and replayed, publishes, new users, pending, memory, last error) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Statistics */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventStats"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every registered event type: the built-in ones first, then custom types by name */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Types */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            types?: components["schemas"]["EventType"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events/types/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event type with its property schema */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description [a-z][a-z0-9_]{0,63} */
                    name: components["parameters"]["EventTypeName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The type */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventType"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        /** Register or replace a custom event type. A replacement may only add optional properties or relax required ones (events already logged were checked against the old schema); built-in types cannot be replaced. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description [a-z][a-z0-9_]{0,63} */
                    name: components["parameters"]["EventTypeName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EventType"];
                };
            };
            responses: {
                /** @description The stored type */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["EventType"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Remove a custom event type (events already logged stay in the log); built-in types cannot be removed */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description [a-z][a-z0-9_]{0,63} */
                    name: components["parameters"]["EventTypeName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            removed?: string;
                        };
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Tag definitions with status, version, category, titles, owner, producer, schedule, latest data version and the stale flag. Drafts only for operators and admins; offline tags only for admins with include_offline=true */
        get: {
            parameters: {
                query?: {
                    status?: "draft" | "published" | "offline";
                    /** @description Category path prefix ('交易' holds '交易/会员') */
                    category?: string;
                    /** @description Substring of the name or a title (ASCII case-insensitive) */
                    q?: string;
                    /** @description Admins only */
                    include_offline?: boolean;
                    type?: "bool" | "enum" | "set" | "int" | "decimal" | "date" | "numeric" | "categorical";
                    /** @description A page of at most this many (by name); absent: every match */
                    limit?: number;
                    offset?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Definitions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tags?: components["schemas"]["CatalogTagSummary"][];
                            /** @description Matches before paging */
                            total?: number;
                            offset?: number;
                        };
                    };
                };
                400: components["responses"]["Error"];
                403: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One definition with its status, data versions and their provenance (definition version, run), last run and dependents */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The tag */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CatalogTag"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        /** Create or change a definition (a new tag is a draft; every change is a new immutable version). Checked completely first: the store's type, the source, the list file, the composite's expressions and cycles, the schedule, the quality rules. Audited. */
        put: {
            parameters: {
                query?: {
                    /** @description Only show what would change */
                    dry_run?: boolean;
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TagDefinition"];
                };
            };
            responses: {
                /** @description The outcome */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DefinitionChange"];
                    };
                };
                400: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of a definition, oldest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name?: string;
                            versions?: {
                                version?: number;
                                created_at_ms?: number;
                                created_by?: string;
                                definition?: components["schemas"]["TagDefinition"];
                            }[];
                        };
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish a draft: live at once; a producible tag without data is produced now. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description New status */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatusChange"];
                    };
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/offline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Take a tag offline (it stops producing; only admins read it). Refused (409, error.dependents) while published composite tags or saved segments read it, unless an admin gives force=true. Audited. */
        post: {
            parameters: {
                query?: {
                    /** @description Admins only: take it offline although others depend on it */
                    force?: boolean;
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description New status */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatusChange"];
                    };
                };
                403: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Bring an offline tag back (published). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description New status */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StatusChange"];
                    };
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/category": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Move a tag to a category (0 or null: none); a new definition version, no data changes. Audited. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        category_id?: number | null;
                    };
                };
            };
            responses: {
                /** @description The outcome */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DefinitionChange"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tag's runs, newest first (without logs) */
        get: {
            parameters: {
                query?: {
                    limit?: components["parameters"]["Limit"];
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Runs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tag?: string;
                            runs?: components["schemas"]["Run"][];
                        };
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Queue a run (manual, or repair: replace that date's version) and optionally wait for it. 200 when the run finished, 202 while it is queued or running. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * Format: date
                         * @description Business date (default: the one a scheduled run now would produce)
                         */
                        date?: string;
                        /** @description Default: the version valid at the date */
                        definition_version?: number;
                        /** @default 0 */
                        wait_seconds?: number;
                        /** @default false */
                        repair?: boolean;
                    };
                };
            };
            responses: {
                /** @description The finished run */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunStarted"];
                    };
                };
                /** @description The run, still queued or running */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RunStarted"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue one run per date from `from` to `to` (at most 3660), each with the definition version valid at its date or the one given. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date */
                        from: string;
                        /** Format: date */
                        to: string;
                        definition_version?: number;
                    };
                };
            };
            responses: {
                /** @description Queued */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tag?: string;
                            from?: string;
                            to?: string;
                            run_ids?: number[];
                        };
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/quality": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Quality checks of the tag's new data versions, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: components["parameters"]["Limit"];
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Checks */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            tag?: string;
                            checks?: components["schemas"]["QualityRecord"][];
                        };
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How the tag is used (counts, queries, saved segments, composite tags, profiles) by whom, and what depends on it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Usage */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Usage"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/values": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Push values to an external tag: the version of the date becomes the version in force then plus the changes (or only `set` with replace). At most 100,000 items. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PushRequest"];
                };
            };
            responses: {
                /** @description Published */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PushResult"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/tags/{name}/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload the file of a list tag (one id per line, or id,value); a new definition version names it. With run=true the tag is also produced (waits up to 60 s). Audited. */
        put: {
            parameters: {
                query?: {
                    run?: boolean;
                };
                header?: never;
                path: {
                    name: components["parameters"]["TagName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/csv": string;
                    "text/plain": string;
                };
            };
            responses: {
                /** @description Stored (and produced) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TagListUpload"];
                    };
                };
                /** @description Stored; the run is still going */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TagListUpload"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One run with its log */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: components["parameters"]["RunId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running run (409 when it already finished). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: components["parameters"]["RunId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The run, stopped */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                /** @description Asked to stop; still running */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Run"];
                    };
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The category tree with the number of tags in each category and below */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Tree */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            categories?: components["schemas"]["CategoryNode"][];
                            uncategorized_tags?: number;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a category (parent_id 0 or absent: top level). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        parent_id?: number;
                        name: string;
                        title_en?: string;
                    };
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Category"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/categories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an empty category (409 while it holds tags or categories). Audited. */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: components["parameters"]["CategoryId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        /** Rename a category or move it (parent_id 0: top level); no data and no definition changes. Audited. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: components["parameters"]["CategoryId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        parent_id?: number;
                        name?: string;
                        title_en?: string;
                    };
                };
            };
            responses: {
                /** @description Changed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Category"];
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        trace?: never;
    };
    "/api/v1/catalog/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs of every tag the caller may see, newest first (the jobs page) */
        get: {
            parameters: {
                query?: {
                    /** @description One state or several, comma-separated (queued,running) */
                    state?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Runs */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            runs?: Record<string, unknown>[];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/quality": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Quality checks of every tag the caller may see, newest first; failed=true: only the failed ones */
        get: {
            parameters: {
                query?: {
                    failed?: boolean;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Checks */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checks?: {
                                tag?: string;
                                run_id?: number;
                                biz_date?: string;
                                at_ms?: number;
                                check?: string;
                                passed?: boolean;
                                observed?: number;
                                bound?: number;
                                message?: string;
                            }[];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a SQL tag's query read-only before saving it: the first rows and a dry-run count (rows, distinct users, users the store knows) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        source: string;
                        query: string;
                        /**
                         * Format: date
                         * @description Default: yesterday
                         */
                        biz_date?: string;
                        /** @default 20 */
                        rows?: number;
                    };
                };
            };
            responses: {
                /** @description Preview */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            source?: string;
                            biz_date?: string;
                            /** @description With its parameters expanded */
                            query?: string;
                            columns?: number;
                            rows?: unknown[][];
                            rows_total?: number;
                            users?: number;
                            known_users?: number;
                            elapsed_ms?: number;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** SQL sources (never their passwords) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Sources */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            sources?: components["schemas"]["Source"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/sources/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Create or replace a source; without "password" the stored one is kept. Audited (never the password). */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SourceName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        kind: "sqlite" | "postgresql" | "odbc";
                        /** @description Without a password */
                        connection: string;
                        password?: string;
                        password_env?: string;
                        /** @default 10000 */
                        fetch_rows?: number;
                    };
                };
            };
            responses: {
                /** @description Stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Source"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Delete a source. Refused (409, error.tags) while SQL tags name it, unless force=true. Audited. */
        delete: {
            parameters: {
                query?: {
                    /** @description Delete it although tags still name it */
                    force?: boolean;
                };
                header?: never;
                path: {
                    name: components["parameters"]["SourceName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                404: components["responses"]["Error"];
                409: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog/sources/{name}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Connect and run a trivial query; the driver's message on failure (never the password) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: components["parameters"]["SourceName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The outcome */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name?: string;
                            ok?: boolean;
                            description?: string;
                            error?: {
                                code?: string;
                                message?: string;
                            } | null;
                            elapsed_ms?: number;
                        };
                    };
                };
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Channels without their secrets */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            channels?: components["schemas"]["Channel"][];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Create or replace a channel; secrets are write-only. Audited. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A channel's name */
                    name: components["parameters"]["ChannelName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChannelPut"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Channel"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        /** Delete a channel; 409 while a campaign that is not over names it. */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A channel's name */
                    name: components["parameters"]["ChannelName"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                400: components["responses"]["Error"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/{name}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send one test message now, outside every campaign and cap. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A channel's name */
                    name: components["parameters"]["ChannelName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        user_id: string;
                        content?: Record<string, unknown>;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            outcome?: "sent" | "transient" | "permanent";
                            error?: string | null;
                            gateway_id?: string | null;
                            message_id?: string;
                            elapsed_ms?: number;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/channels/{name}/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A gateway's delivery receipts for the channel's messages: Aliyun SMS delivery reports (SmsReport: out_id, success, report_time, err_code, err_msg) or tagloop's own entries (message_id, status, time, error), as an array or {"receipts": [...]}, at most 10000. Each becomes a message_delivered, message_clicked or message_bounced event of the campaign and user its message id names; a repeated receipt is dropped; a request with a bad entry is refused whole. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A channel's name */
                    name: components["parameters"]["ChannelName"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Receipt"][] | {
                        receipts: components["schemas"]["Receipt"][];
                    };
                };
            };
            responses: {
                /** @description OK (code 0, as Aliyun's report push expects) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            code: number;
                            msg?: string;
                            /** @description new outcome events */
                            recorded: number;
                            /** @description receipts already recorded */
                            repeated: number;
                            /** @description message ids of no campaign of the channel */
                            unknown_count: number;
                            /** @description the first 100 of them */
                            unknown: string[];
                        };
                    };
                };
                400: components["responses"]["Error"];
                404: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/outreach/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The suppression policy in force */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OutreachPolicy"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        /** Store a new policy version (expressions must bind). Audited. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["OutreachPolicy"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OutreachPolicy"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Campaigns with their funnels and progress */
        get: {
            parameters: {
                query?: {
                    /** @description One or several states, comma-separated */
                    state?: string;
                    /** @description Only this theme */
                    theme?: string;
                    /** @description Only campaigns or only journeys */
                    kind?: "campaign" | "journey";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            campaigns?: components["schemas"]["Campaign"][];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        /** Create a draft campaign (checked against channels, tags and event types). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CampaignDefinition"];
                };
            };
            responses: {
                /** @description OK */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The whole campaign: definition, state, funnel, frozen segments, progress, transitions */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        /** Edit a campaign (a submitted or scheduled one returns to draft). Audited. */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CampaignDefinition"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/estimate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The plan's funnel as it would be made now; nothing frozen */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            funnel?: {
                                audience?: number;
                                control?: number;
                                suppressed?: {
                                    [key: string]: number;
                                };
                                planned?: number;
                                sent?: number;
                                failed?: number;
                                pending?: number;
                            } | null;
                            first_send_ms?: number;
                            as_of?: string;
                            elapsed_ms?: number;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The content rendered for sample users */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        user_ids?: string[];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            previews?: {
                                user_id?: string;
                                address?: string | null;
                                content?: unknown;
                            }[];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/submit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Submit for approval. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel (nothing more is sent). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve (an admin who did not submit it): scheduled, or planned, frozen and sending. Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject with a reason (also revokes a scheduled approval). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string;
                        reason?: string;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/recipients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest run's recipients from the ledger, by dense id. Audited. */
        get: {
            parameters: {
                query?: {
                    /** @description Only this state */
                    state?: "pending" | "sent" | "failed" | "retry" | "dead" | "suppressed";
                    /** @description Rows per page */
                    limit?: number;
                    /** @description next_cursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recipients?: {
                                user_id?: string;
                                state?: string;
                                attempts?: number;
                                message_id?: string;
                                detail?: string | null;
                                at_ms?: number;
                            }[];
                            next_cursor?: string | null;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Dead letters back to the queue with the same message ids (a done campaign runs again). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": Record<string, unknown>;
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Campaign"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/effect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Uplift against the control group (SPEC-outreach, Effect) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CampaignEffect"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/journey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A journey's live counts per step, totals and users inside per version */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JourneyCounts"];
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/journey/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who waits where and why (the stuck-users view). Audited. */
        get: {
            parameters: {
                query?: {
                    step?: string;
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            users?: {
                                user_id?: string;
                                step?: string;
                                version?: number;
                                occurrence?: number;
                                since?: string | null;
                                until?: string | null;
                                why?: string;
                            }[];
                            next_cursor?: string | null;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/journey/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A test run: one user through the current version with simulated time and events; nothing is sent or stored */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        user_id: string;
                        /** @description a duration, default 30d */
                        horizon?: string;
                        events?: {
                            type: string;
                            after?: string;
                            properties?: Record<string, unknown>;
                        }[];
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            outcome?: string;
                            trace?: {
                                at?: string;
                                step?: string;
                                type?: string;
                                decision?: string;
                                detail?: string;
                                channel?: string;
                                content?: unknown;
                                condition?: string;
                            }[];
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/campaigns/{id}/journey/migrate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Moves the users of an older version to the steps of the same name and type in the current one (dry_run: counts only). Audited. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A campaign's id (c + 16 hex digits) or name */
                    id: components["parameters"]["CampaignId"];
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        from_version: number;
                        dry_run?: boolean;
                    };
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            moves?: {
                                step?: string;
                                users?: number;
                            }[];
                            stay?: {
                                step?: string;
                                users?: number;
                            }[];
                            moved?: number;
                            to_version?: number;
                            dry_run?: boolean;
                        };
                    };
                };
                400: components["responses"]["Error"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ReportDefinition: {
            title?: string;
            description?: string;
            /** @default ALL */
            base?: string;
            dimensions: {
                tag: string;
                /** @default 20 */
                limit?: number;
                include_null?: boolean;
                edges?: (number | string)[];
            }[];
            measures?: {
                /** @enum {string} */
                kind: "users" | "sum" | "avg" | "min" | "max" | "metric";
                tag?: string;
                source?: string;
                query?: string;
                label?: string;
            }[];
            /** Format: date */
            as_of?: string;
            series?: {
                /** Format: date */
                from: string;
                /** Format: date */
                to: string;
                step_days?: number;
            };
        };
        ReportResult: {
            measures?: Record<string, unknown>[];
            tables?: {
                as_of?: string;
                base_users?: number;
                truncated?: boolean;
                dimensions?: {
                    tag?: string;
                    values?: string[];
                }[];
                cells?: {
                    keys?: (string | null)[];
                    expr?: string;
                    users?: number;
                    values?: unknown[];
                }[];
            }[];
            elapsed_ms?: number;
        };
        Dashboard: {
            name?: string;
            title?: string;
            description?: string;
            reports: string[];
            /**
             * @default viewer
             * @enum {string}
             */
            min_role?: "viewer" | "analyst" | "operator" | "admin";
        };
        Error: {
            error: {
                /** @example invalid_argument */
                code: string;
                /** @description English, for people and logs; clients branch on reason */
                message: string;
                /** @description Byte offset in the expression (or JSON body) */
                position?: number;
                /**
                 * @description Machine-readable reason (src/core/error_reason.h lists them with their arguments); the code when there is no more specific one
                 * @example unknown_tag
                 */
                reason: string;
                /**
                 * @description The reason's named arguments
                 * @example {
                 *       "tag": "agee",
                 *       "suggestion": "age"
                 *     }
                 */
                args: {
                    [key: string]: string;
                };
            };
        };
        Version: {
            version?: string;
            api?: string;
            store?: {
                generation?: number;
                users?: number;
                tags?: number;
            };
        };
        Tag: {
            name?: string;
            /** @example decimal:2 */
            type?: string;
            /** @description The catalog's category path */
            category?: string | null;
            /** @description Users with a value in the latest version */
            users?: number;
            title?: components["schemas"]["Title"];
            /** @description Only for tags the catalog defines */
            status?: string;
            versions?: {
                /** Format: date */
                date?: string;
                users?: number;
                bytes?: number;
            }[];
        };
        Distribution: {
            tag?: string;
            type?: string;
            /** Format: date */
            version?: string;
            users?: number;
            values?: {
                value?: unknown;
                users?: number;
            }[];
            /** @description With max_values (bool, enum, set): how many values were left out */
            other_values?: number;
            min?: unknown;
            max?: unknown;
            sum?: unknown;
            avg?: number;
            buckets?: {
                from?: unknown;
                to?: unknown;
                users?: number;
            }[];
        };
        CountRequest: {
            expr: string;
            /** Format: date */
            as_of?: string;
        };
        CountResult: {
            name?: string;
            count?: number;
            /** Format: date */
            as_of?: string;
            elapsed_ms?: number;
        };
        QueryRequest: {
            expr: string;
            /** Format: date */
            as_of?: string;
            /** @default 1000 */
            limit?: number;
            /** @description next_cursor of the previous page */
            cursor?: string;
            /** @default false */
            stream?: boolean;
        };
        QueryPage: {
            ids?: string[];
            count?: number;
            total?: number;
            /** Format: date */
            as_of?: string;
            next_cursor?: string | null;
        };
        SavedSegment: {
            name?: string;
            /** @enum {string} */
            kind?: "dynamic" | "snapshot" | "list" | "sql";
            /** @description dynamic: the expression; snapshot: the one frozen; list, sql: empty */
            expr?: string;
            /** @description Free text for people ("" when none) */
            description?: string;
            /** @description sql only */
            source?: string;
            /** @description sql only */
            query?: string;
            created_unix?: number;
            updated_unix?: number;
            /** @description Frozen kinds only: how many versions */
            versions?: number;
            latest_version?: components["schemas"]["SegmentVersion"];
            match?: components["schemas"]["ListMatch"];
            /** @description GET /segments?with_counts=true: the count as of as_of; null when it cannot be counted */
            count?: number | null;
            /** @description With count null: why (an offline or unknown tag, ...) */
            count_error?: string;
        };
        SegmentRequest: {
            /**
             * @description Default dynamic (PUT: the existing segment's kind)
             * @enum {string}
             */
            kind?: "dynamic" | "snapshot" | "sql";
            /** @description dynamic, snapshot */
            expr?: string;
            /**
             * Format: date
             * @description snapshot: the date frozen at; sql: {{biz_date}} (default today)
             */
            as_of?: string;
            /** @description sql: a catalog source */
            source?: string;
            /** @description sql: one column of user ids */
            query?: string;
            /** @description Free text for people (UTF-8, at most 2000 characters; tab and line breaks allowed, other control characters not). PUT: absent keeps the current one, "" clears it */
            description?: string;
        };
        SegmentCreate: {
            /** @description 1 to 128 bytes of UTF-8, no control characters */
            name: string;
            /**
             * @description Default dynamic (PUT: the existing segment's kind)
             * @enum {string}
             */
            kind?: "dynamic" | "snapshot" | "sql";
            /** @description dynamic, snapshot */
            expr?: string;
            /**
             * Format: date
             * @description snapshot: the date frozen at; sql: {{biz_date}} (default today)
             */
            as_of?: string;
            /** @description sql: a catalog source */
            source?: string;
            /** @description sql: one column of user ids */
            query?: string;
            /** @description Free text for people (UTF-8, at most 2000 characters; tab and line breaks allowed, other control characters not). PUT: absent keeps the current one, "" clears it */
            description?: string;
        };
        SegmentVersion: {
            version?: number;
            created_unix?: number;
            created_by?: string;
            /**
             * Format: date
             * @description The business date it stands for
             */
            date?: string;
            members?: number;
            source?: string;
        };
        ListMatch: {
            lines?: number;
            blank_lines?: number;
            distinct?: number;
            duplicates?: number;
            matched?: number;
            unknown?: number;
            match_rate?: number;
            unknown_ids?: string[];
        };
        ListUpload: components["schemas"]["ListMatch"] & {
            name?: string;
            kind?: string;
            version?: components["schemas"]["SegmentVersion"];
        };
        ImportSummary: {
            /** Format: date */
            version?: string;
            rows?: number;
            tags?: number;
            new_users?: number;
            bytes?: number;
            generation?: number;
            seconds?: number;
            phases?: {
                [key: string]: number;
            };
        };
        Profile: {
            user_id?: string;
            /** Format: date */
            as_of?: string;
            /** @description bool: true/false; enum: string; set: array of strings; int: number; decimal: string with the tag's scale ("12.50"); date: "YYYY-MM-DD" */
            tags?: {
                [key: string]: unknown;
            };
        };
        Token: {
            id?: number;
            name?: string;
            role?: string;
            created_at_ms?: number;
            created_by?: string;
            last_used_at_ms?: number | null;
            revoked_at_ms?: number | null;
            active?: boolean;
        };
        Title: {
            zh?: string;
            en?: string;
        };
        /** @description name (optional in a PUT; must match the path), type, title (string = zh, or {zh, en}), description, owner, category (path, created when missing), producer {kind: sql|list|composite|external|import|realtime|behavior, ...settings}, schedule (cron), biz_date (yesterday|today), quality (rule overrides), retention {keep_days, keep_versions} */
        TagDefinition: {
            name?: string;
            type: string;
            title?: unknown;
            description?: string;
            owner?: string;
            category?: string;
            producer: {
                kind: string;
            } & {
                [key: string]: unknown;
            };
            schedule?: string;
            /** @enum {string} */
            biz_date?: "yesterday" | "today";
            quality?: Record<string, unknown>;
            retention?: {
                keep_days?: number;
                keep_versions?: number;
            };
        };
        CatalogTagSummary: {
            name?: string;
            type?: string;
            /** @enum {string} */
            status?: "draft" | "published" | "offline";
            version?: number;
            category?: string | null;
            title?: components["schemas"]["Title"];
            owner?: string;
            producer?: string;
            schedule?: string | null;
            latest?: {
                /** Format: date */
                date?: string;
                users?: number;
            } | null;
            stale?: boolean;
            updated_at_ms?: number;
            updated_by?: string;
        };
        Lineage: {
            composite_tags?: string[];
            saved_segments?: string[];
        };
        CatalogTag: {
            name?: string;
            status?: string;
            version?: number;
            definition?: components["schemas"]["TagDefinition"];
            created_at_ms?: number;
            created_by?: string;
            updated_at_ms?: number;
            updated_by?: string;
            stale?: boolean;
            data_versions?: {
                /** Format: date */
                date?: string;
                users?: number;
                bytes?: number;
                published_unix?: number;
                definition_version?: number | null;
                run_id?: number | null;
            }[];
            last_run?: components["schemas"]["Run"] | null;
            dependents?: components["schemas"]["Lineage"];
        };
        DefinitionChange: {
            name?: string;
            /** @enum {string} */
            change?: "created" | "updated" | "unchanged";
            version?: number;
            status?: string;
            diff?: string[];
            dry_run?: boolean;
            category?: string | null;
        };
        StatusChange: {
            name?: string;
            status?: string;
            status_before?: string;
            version?: number;
            forced_over?: components["schemas"]["Lineage"];
        };
        Run: {
            id?: number;
            tag?: string;
            /** Format: date */
            biz_date?: string;
            definition_version?: number;
            /** @enum {string} */
            trigger?: "schedule" | "manual" | "backfill" | "repair" | "dependency" | "push";
            /** @enum {string} */
            state?: "queued" | "running" | "succeeded" | "failed" | "rejected" | "cancelled";
            attempt?: number;
            requested_by?: string;
            queued_at_ms?: number;
            started_at_ms?: number | null;
            finished_at_ms?: number | null;
            rows?: number;
            users?: number;
            error?: string | null;
            log?: string;
        };
        RunStarted: {
            run_id?: number;
            run?: components["schemas"]["Run"];
        };
        QualityRecord: {
            run_id?: number;
            /** Format: date */
            biz_date?: string;
            at_ms?: number;
            check?: string;
            passed?: boolean;
            observed?: number;
            bound?: number;
            message?: string;
        };
        Usage: {
            tag?: string;
            uses?: number;
            last_used_ms?: number | null;
            totals?: {
                [key: string]: number;
            };
            rows?: {
                kind?: string;
                principal?: string;
                uses?: number;
                last_used_ms?: number;
            }[];
            lineage?: components["schemas"]["Lineage"];
        };
        PushRequest: {
            /**
             * Format: date
             * @description Default: the business date a run now would produce
             */
            date?: string;
            set?: {
                user: string;
                /** @description string, number, boolean; an array of strings for set tags */
                value: unknown;
            }[];
            unset?: string[];
            /** @default false */
            replace?: boolean;
        };
        PushResult: {
            tag?: string;
            /** Format: date */
            date?: string;
            run_id?: number;
            state?: string;
            rows?: number;
            users?: number;
            generation?: number;
            checks?: {
                check?: string;
                passed?: boolean;
                observed?: number;
                bound?: number;
                message?: string;
            }[];
        };
        TagListUpload: {
            name?: string;
            change?: string;
            version?: number;
            file?: string;
            rows?: number;
            run?: components["schemas"]["Run"];
        };
        Category: {
            id?: number;
            parent_id?: number | null;
            name?: string;
            path?: string;
            title_en?: string;
        };
        CategoryNode: components["schemas"]["Category"] & {
            tags?: number;
            total_tags?: number;
            children?: components["schemas"]["CategoryNode"][];
        };
        Event: {
            /** @description De-duplicates: an id already logged for the event's business day is ignored */
            event_id: string;
            /** @description A registered event type */
            type: string;
            user_id: string;
            /**
             * Format: date-time
             * @description RFC 3339 with an offset; not before 2000, at most one day ahead
             */
            time: string;
            /** @description As the type's schema declares */
            properties?: {
                [key: string]: unknown;
            };
        };
        EventBatchResult: {
            received?: number;
            /** @description New events appended */
            accepted?: number;
            duplicates?: number;
            rejected_count?: number;
            /** @description At most 1000 */
            rejected?: {
                /** @description Position in the body (0-based) */
                index?: number;
                reason?: string;
            }[];
            /** @description true when wait=visible and the events show in counts */
            visible?: boolean;
        };
        EventType: {
            name?: string;
            title?: components["schemas"]["Title"];
            description?: string;
            properties?: {
                name: string;
                /** @enum {string} */
                type: "string" | "int" | "number" | "bool" | "time";
                /** @default false */
                required?: boolean;
                description?: string;
            }[];
            builtin?: boolean;
        };
        EventStats: {
            log?: {
                segments?: number;
                events?: number;
                bytes?: number;
                /** Format: date */
                first_day?: string | null;
                /** Format: date */
                last_day?: string | null;
                truncated_tail_bytes?: number;
            } | null;
            realtime?: {
                tags?: number;
                events_applied?: number;
                events_replayed?: number;
                last_replay_seconds?: number;
                publishes?: number;
                new_users?: number;
                pending?: number;
                memory_bytes?: number;
                last_error?: string;
            } | null;
        };
        Source: {
            name?: string;
            kind?: string;
            connection?: string;
            has_password?: boolean;
            password_env?: string | null;
            fetch_rows?: number;
            description?: string;
            updated_at_ms?: number;
            updated_by?: string;
        };
        /** @description A channel without its secrets (SPEC-outreach, Channels). */
        Channel: {
            name: string;
            /** @enum {string} */
            kind: "webhook" | "sms" | "email" | "wechat_template" | "wecom_bot" | "coupon";
            rate_per_second?: number;
            concurrency?: number;
            max_attempts?: number;
            timeout_ms?: number;
            /** @description Which secrets are stored (never their values) */
            secrets_set?: string[];
        } & {
            [key: string]: unknown;
        };
        /** @description Flat, as the contract writes it: kind, the common settings, the kind's fields (url, smtp_url, from, base_url, appid, template_id, address {source, query}, gateway fields) and write-only secrets (secret, appsecret, password, *_secret, *_password); a secret left out keeps the stored one. */
        ChannelPut: {
            /** @enum {string} */
            kind: "webhook" | "sms" | "email" | "wechat_template" | "wecom_bot" | "coupon";
            /** @default 100 */
            rate_per_second?: number;
            /** @default 4 */
            concurrency?: number;
            /** @default 5 */
            max_attempts?: number;
            /** @default 10000 */
            timeout_ms?: number;
            secret?: string;
            appsecret?: string;
            password?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description The suppression policy (SPEC-outreach, Policy) and our extensions. */
        OutreachPolicy: {
            blacklist?: string;
            caps?: {
                channels?: string[];
                max: number;
                days: number;
            }[];
            quiet_hours?: {
                from: string;
                to: string;
                /** @enum {string} */
                mode?: "defer" | "drop";
            };
            opt_out?: {
                [key: string]: string;
            };
            dedup_by_theme?: boolean;
            touched_recently?: {
                days?: number;
                channels?: string[];
            };
            exempt?: string;
            global_control?: {
                share?: number;
                salt?: string;
            };
            readonly version?: number;
            readonly updated_by?: string;
            readonly updated_at_ms?: number;
        };
        /** @description A campaign as an operator writes it (SPEC-outreach, Campaigns). With `entry` it is a journey (docs/outreach.md, Journeys): `channel` and `content` then belong to its send steps, and `audience` is optional for an event entry. */
        CampaignDefinition: {
            name: string;
            title?: string;
            theme?: string;
            /** @description {expr} | {segment} | {list} | {report, cell, expr} */
            audience?: {
                expr?: string;
                segment?: string;
                list?: string;
                report?: string;
                cell?: unknown;
            };
            channel?: string;
            content?: Record<string, unknown>;
            control?: {
                share?: number;
            };
            goal?: {
                event?: string;
                window_days?: number;
            };
            budget?: {
                max_recipients?: number;
                cost_per_message?: number;
            };
            schedule?: {
                /** Format: date-time */
                at?: string;
            };
            /** @enum {string} */
            class?: "marketing" | "transactional";
            policy?: Record<string, unknown>;
            /** @description A campaign: one {name: send, type: send}. A journey: its steps. */
            steps?: components["schemas"]["JourneyStep"][];
            /** @description A journey's entry: {schedule: cron} or {event, where} */
            entry?: {
                schedule?: string;
                event?: string;
                where?: Record<string, unknown>;
            };
            reentry?: {
                /** @enum {string} */
                mode?: "once" | "after" | "every_time";
                days?: number;
            };
            max_concurrent?: number;
            exit?: {
                goal?: boolean;
                not_matching?: boolean;
            };
            start?: string;
        };
        /** @description A journey step (docs/outreach.md, Journeys): send {channel, content, next}, wait {duration | until, next}, wait_event {event, where, timeout, next, timeout_next}, branch {condition, yes, no}, split {paths}, exit. */
        JourneyStep: {
            name: string;
            /** @enum {string} */
            type: "send" | "wait" | "wait_event" | "branch" | "split" | "exit";
            next?: string;
            channel?: string;
            content?: Record<string, unknown>;
            /** @description 90s, 30m, 36h, 3d */
            duration?: string;
            /** @description HH:MM */
            until?: string;
            event?: string;
            where?: Record<string, unknown>;
            timeout?: string;
            timeout_next?: string;
            condition?: string;
            yes?: string;
            no?: string;
            paths?: {
                name: string;
                share: number;
                next?: string;
                control?: boolean;
            }[];
        };
        Campaign: {
            id: string;
            /** @enum {string} */
            state: "draft" | "pending_approval" | "rejected" | "scheduled" | "running" | "paused" | "cancelled" | "done";
            funnel?: {
                audience?: number;
                control?: number;
                suppressed?: {
                    [key: string]: number;
                };
                planned?: number;
                sent?: number;
                failed?: number;
                pending?: number;
            } | null;
            segments?: {
                treatment?: string;
                control?: string;
            } | null;
            progress?: Record<string, unknown>;
            transitions?: {
                from?: string;
                to?: string;
                action?: string;
                by?: string;
                at_ms?: number;
                comment?: string;
            }[];
            /** @enum {string} */
            kind?: "campaign" | "journey";
            /** @description A journey's totals */
            journey?: {
                entered?: number;
                inside?: number;
                converted?: number;
                completed?: number;
                control?: number;
            };
        } & {
            [key: string]: unknown;
        };
        JourneyCounts: {
            id?: string;
            name?: string;
            version?: number;
            state?: string;
            active?: boolean;
            entry?: {
                /** @enum {string} */
                kind?: "schedule" | "event";
                next_at?: string | null;
                last_at?: string | null;
            };
            totals?: {
                entered?: number;
                inside?: number;
                completed?: number;
                converted?: number;
                control?: number;
                exited?: number;
            };
            steps?: {
                name?: string;
                type?: string;
                segment?: string;
                entered?: number;
                inside?: number;
                waiting?: number;
                sending?: number;
                sent?: number;
                failed?: number;
                suppressed?: number;
                converted?: number;
                exited?: number;
                exit_reasons?: {
                    [key: string]: number;
                };
            }[];
            versions?: {
                version?: number;
                inside?: number;
            }[];
        };
        /** @description One delivery receipt: Aliyun's SmsReport entry (out_id = the message id the SMS was sent with; success; report_time "yyyy-MM-dd HH:mm:ss" in the business time zone; err_code, err_msg) or tagloop's own (message_id; status delivered | clicked | bounced; time RFC 3339, default: on arrival; error). */
        Receipt: {
            message_id?: string;
            /** @enum {string} */
            status?: "delivered" | "clicked" | "bounced";
            /** Format: date-time */
            time?: string;
            error?: string;
            out_id?: string;
            success?: boolean;
            report_time?: string;
            err_code?: string;
            err_msg?: string;
        } & {
            [key: string]: unknown;
        };
        /** @description SPEC-outreach, Effect; plus health and incremental conversions. */
        CampaignEffect: {
            goal: Record<string, unknown>;
            treatment: Record<string, unknown>;
            control: Record<string, unknown>;
            uplift: Record<string, unknown> | null;
            srm_p_value: number;
            health?: Record<string, unknown>;
        } & {
            [key: string]: unknown;
        };
    };
    responses: {
        /** @description An error */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        TagName: string;
        SegmentName: string;
        /** @description External id, percent-encoded */
        UserId: string;
        /** @description YYYY-MM-DD (default today, UTC) */
        AsOf: string;
        CategoryId: number;
        RunId: number;
        SourceName: string;
        Limit: number;
        /** @description [a-z][a-z0-9_]{0,63} */
        EventTypeName: string;
        /** @description A channel's name */
        ChannelName: string;
        /** @description A campaign's id (c + 16 hex digits) or name */
        CampaignId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
