/* The ceiling of this architecture: a FastCGI worker with no framework, on libfcgi and libpq,
 * serving the two requests the benchmark compares: GET /api/v1/health and GET /api/v1/users/{id}
 * (one prepared statement, a fixed-format JSON answer). Built and run by bench/run; not part of
 * Frontdesk. Accepts on fd 0, as spawn-fcgi hands it over; DATABASE_URL from the environment. */
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *user_sql =
    "SELECT id, email, name, age, role, active, created_at, updated_at, version "
    "FROM users WHERE id = $1 AND deleted_at IS NULL";

/* A timestamptz as the session (TimeZone UTC, DateStyle ISO) sends it, "2026-11-23 23:25:33.3539+00",
 * in the form Frontdesk answers with, "2026-11-23T23:25:33.353900Z" (as Frontdesk does it: the
 * server's to_char cost ~3 us of its CPU per value). */
static const char *rfc3339(const char *in, char out[28]) {
    size_t n = strlen(in), digits = n > 23 ? n - 23 : 0;
    if (n < 22 || n > 29) return in;
    memcpy(out, in, 19);
    out[10] = 'T';
    out[19] = '.';
    for (size_t i = 0; i < 6; i++) out[20 + i] = i < digits ? in[20 + i] : '0';
    out[26] = 'Z';
    out[27] = 0;
    return out;
}

/* Appends n bytes to out at `at` (callers size out for the longest answer); returns the new length. */
static size_t put(char *out, size_t at, const char *s, size_t n) {
    memcpy(out + at, s, n);
    return at + n;
}
#define PUT(out, at, literal) put(out, at, literal, sizeof literal - 1)

static size_t put_string(char *out, size_t at, const char *s) { return put(out, at, s, strlen(s)); }

/* Appends s to out as a JSON string body (quotes excluded); returns the new length. */
static size_t escape(char *out, size_t at, size_t cap, const char *s) {
    static const char hex[] = "0123456789abcdef";
    for (; *s && at + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { out[at++] = '\\'; out[at++] = (char)c; }
        else if (c < 0x20) { at = PUT(out, at, "\\u00"); out[at++] = hex[c >> 4]; out[at++] = hex[c & 15]; }
        else out[at++] = (char)c;
    }
    return at;
}

/* Head and body in one piece, the head copied from constants: snprintf cost the /health answer
 * ~1k instructions (callgrind). `length` is at most 2048. */
static void reply(FCGX_Request *r, const char *status, size_t status_length, const char *body, size_t length) {
    char out[2400], digits[8];
    size_t at = PUT(out, 0, "Status: "), n = 0, rest = length;
    at = put(out, at, status, status_length);
    at = PUT(out, at, "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ");
    do { digits[sizeof digits - ++n] = (char)('0' + rest % 10); rest /= 10; } while (rest);
    at = put(out, at, digits + sizeof digits - n, n);
    at = PUT(out, at, "\r\n\r\n");
    at = put(out, at, body, length);
    FCGX_PutStr(out, (int)at, r->out);
}
#define REPLY(r, status, body, length) reply(r, status, sizeof status - 1, body, length)

int main(void) {
    PGconn *db = PQconnectdb(getenv("DATABASE_URL") ? getenv("DATABASE_URL") : "");
    if (PQstatus(db) != CONNECTION_OK) { fprintf(stderr, "ceiling: %s", PQerrorMessage(db)); return 1; }
    PQclear(PQexec(db, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'"));
    PQclear(PQprepare(db, "user", user_sql, 1, NULL));
    FCGX_Init();
    FCGX_Request request;
    FCGX_InitRequest(&request, 0, 0);
    static const char prefix[] = "/api/v1/users/";
    while (FCGX_Accept_r(&request) >= 0) {
        const char *uri = FCGX_GetParam("DOCUMENT_URI", request.envp);
        if (!uri) uri = "";
        if (strcmp(uri, "/api/v1/health") == 0) {
            REPLY(&request, "200 OK", "{\"status\":\"ok\"}", 15);
        } else if (strncmp(uri, prefix, sizeof prefix - 1) == 0) {
            const char *id = uri + sizeof prefix - 1;
            PGresult *res = PQexecPrepared(db, "user", 1, &id, NULL, NULL, 0);
            if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
                char body[2048], created[28], updated[28];
                /* The escaped strings stop short of the end, leaving room for the rest (< 250 bytes). */
                size_t at = PUT(body, 0, "{\"id\":");
                at = put_string(body, at, PQgetvalue(res, 0, 0));
                at = PUT(body, at, ",\"email\":\"");
                at = escape(body, at, 900, PQgetvalue(res, 0, 1));
                at = PUT(body, at, "\",\"name\":\"");
                at = escape(body, at, 1700, PQgetvalue(res, 0, 2));
                at = PUT(body, at, "\",\"age\":");
                at = put_string(body, at, PQgetisnull(res, 0, 3) ? "null" : PQgetvalue(res, 0, 3));
                at = PUT(body, at, ",\"role\":\"");
                at = put_string(body, at, PQgetvalue(res, 0, 4));
                at = PUT(body, at, "\",\"active\":");
                at = put_string(body, at, PQgetvalue(res, 0, 5)[0] == 't' ? "true" : "false");
                at = PUT(body, at, ",\"created_at\":\"");
                at = put_string(body, at, rfc3339(PQgetvalue(res, 0, 6), created));
                at = PUT(body, at, "\",\"updated_at\":\"");
                at = put_string(body, at, rfc3339(PQgetvalue(res, 0, 7), updated));
                at = PUT(body, at, "\",\"version\":");
                at = put_string(body, at, PQgetvalue(res, 0, 8));
                at = PUT(body, at, "}");
                REPLY(&request, "200 OK", body, at);
            } else {
                REPLY(&request, "404 Not Found", "{\"status\":404}", 14);
            }
            PQclear(res);
        } else {
            REPLY(&request, "404 Not Found", "{\"status\":404}", 14);
        }
        /* As Frontdesk does (FastCGIConnection.finish): a request read to its end is closed at
         * once, without libfcgi's graceful close (shut down, then read until nginx closes). */
        char rest[64];
        while (FCGX_GetStr(rest, sizeof rest, request.in) > 0) {}
        if (FCGX_HasSeenEOF(request.in)) FCGX_Detach(&request);
        FCGX_Finish_r(&request);
    }
    PQfinish(db);
    return 0;
}
