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

/* Appends s to out as a JSON string body (quotes excluded); returns the new length. */
static size_t escape(char *out, size_t at, size_t cap, const char *s) {
    for (; *s && at + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { out[at++] = '\\'; out[at++] = (char)c; }
        else if (c < 0x20) at += (size_t)snprintf(out + at, cap - at, "\\u%04x", c);
        else out[at++] = (char)c;
    }
    return at;
}

static void reply(FCGX_Request *r, const char *status, const char *body, size_t length) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "Status: %s\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n\r\n",
                     status, length);
    FCGX_PutStr(head, n, r->out);
    FCGX_PutStr(body, (int)length, r->out);
}

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
            reply(&request, "200 OK", "{\"status\":\"ok\"}", 15);
        } else if (strncmp(uri, prefix, sizeof prefix - 1) == 0) {
            const char *id = uri + sizeof prefix - 1;
            PGresult *res = PQexecPrepared(db, "user", 1, &id, NULL, NULL, 0);
            if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
                char body[2048], created[28], updated[28];
                size_t at = (size_t)snprintf(body, sizeof body, "{\"id\":%s,\"email\":\"", PQgetvalue(res, 0, 0));
                at = escape(body, at, sizeof body, PQgetvalue(res, 0, 1));
                at += (size_t)snprintf(body + at, sizeof body - at, "\",\"name\":\"");
                at = escape(body, at, sizeof body, PQgetvalue(res, 0, 2));
                at += (size_t)snprintf(body + at, sizeof body - at,
                    "\",\"age\":%s,\"role\":\"%s\",\"active\":%s,\"created_at\":\"%s\",\"updated_at\":\"%s\",\"version\":%s}",
                    PQgetisnull(res, 0, 3) ? "null" : PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4),
                    PQgetvalue(res, 0, 5)[0] == 't' ? "true" : "false", rfc3339(PQgetvalue(res, 0, 6), created),
                    rfc3339(PQgetvalue(res, 0, 7), updated),
                    PQgetvalue(res, 0, 8));
                reply(&request, "200 OK", body, at);
            } else {
                reply(&request, "404 Not Found", "{\"status\":404}", 14);
            }
            PQclear(res);
        } else {
            reply(&request, "404 Not Found", "{\"status\":404}", 14);
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
