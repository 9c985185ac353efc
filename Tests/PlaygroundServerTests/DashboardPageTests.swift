import Testing
@testable import PlaygroundServer

/// The dashboard must work offline from the playground alone: no other origin, every data
/// source it draws from named in the page, and markup a browser parses as intended.
@Suite struct DashboardPageTests {
    let page = DashboardPage.html

    func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func isOneHTMLDocument() {
        #expect(page.hasPrefix("<!DOCTYPE html>\n"))
        #expect(page.hasSuffix("</html>"))
        #expect(page.contains("<meta charset=\"utf-8\">"))
        for tag in ["html", "head", "body", "style", "script", "main", "header"] {
            let opens = occurrences(of: "<\(tag)>", in: page) + occurrences(of: "<\(tag) ", in: page)
            let closes = occurrences(of: "</\(tag)>", in: page)
            #expect(opens == 1, "one <\(tag)> element")
            #expect(closes == 1, "one </\(tag)>")
        }
        let scriptStart = page.range(of: "<script>")
        let scriptEnd = page.range(of: "</script>")
        let styleEnd = page.range(of: "</style>")
        if let scriptStart, let scriptEnd, let styleEnd {
            #expect(styleEnd.upperBound <= scriptStart.lowerBound)
            #expect(scriptStart.upperBound < scriptEnd.lowerBound)
        } else {
            Issue.record("the page has no inline <style> and <script>")
        }
    }

    @Test func loadsNothingFromOtherOrigins() {
        for forbidden in ["http://", "https://", "src=", "href=", "<link", "@import", "url(", "<iframe", "<img",
                          "<script src", "WebSocket", "EventSource", "XMLHttpRequest", "import("] {
            #expect(!page.contains(forbidden), "the page contains \(forbidden)")
        }
        // Every request goes through one fetch call over the endpoint table of same-origin paths.
        #expect(occurrences(of: "fetch(", in: page) == 1)
        #expect(page.contains("fetch(ENDPOINTS[key]"))
    }

    @Test func pollsEveryEndpointItDraws() {
        for path in ["/api/v1/nodes", "/api/v1/pods", "/apis/apps/v1/deployments", "/api/v1/namespaces",
                     "/api/v1/events", "/playground/v1/status"] {
            #expect(page.contains("\"\(path)\""), "the page does not request \(path)")
        }
        #expect(page.contains("var POLL_MS = 1000"))
    }

    @Test func exposesMarkersForBrowserChecks() {
        for marker in ["data-pod=\"", "data-node=\"", "data-phase=\"", "data-state=\"", "data-status=\"",
                       "data-namespace=\"", "data-deployment=\"", "data-pull=\"", "data-event=\"",
                       "data-clock=", "data-refreshes="] {
            #expect(page.contains(marker), "no \(marker) marker")
        }
        for state in ["pending", "creating", "running", "notready", "failed", "terminating", "succeeded"] {
            #expect(page.contains(".s-\(state) {"), "no colour for \(state)")
        }
    }
}
