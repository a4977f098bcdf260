-- Appended to every scenario: prints one JSON line with wrk's totals and latency percentiles.
done = function(summary, latency, requests)
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout
    io.write(string.format(
        '{"requests":%d,"seconds":%.3f,"rps":%.1f,"errors":%d,"non_2xx":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errors,
        summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
