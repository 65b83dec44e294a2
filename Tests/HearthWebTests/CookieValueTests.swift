import HTTPTypes
import Hummingbird
import Testing

@testable import HearthWeb

@Suite("Reading a cookie")
struct CookieValueTests {
    private func request(_ cookieHeaders: [String]) -> Request {
        var fields = HTTPFields()
        for header in cookieHeaders { fields.append(HTTPField(name: .cookie, value: header)) }
        return Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/", headerFields: fields),
            body: .init(buffer: .init()))
    }

    @Test("the value is found whatever its place, and a name that only starts the same does not match")
    func values() {
        let request = request(["hearth_session_x=1; hearth_session=abc=def;  hearth_csrf=tok", "lang=fr"])
        #expect(request.cookieValue("hearth_session") == "abc=def")
        #expect(request.cookieValue("hearth_csrf") == "tok")
        #expect(request.cookieValue("lang") == "fr")
        #expect(request.cookieValue("hearth") == nil)
        #expect(request.cookieValue("missing") == nil)
        #expect(self.request(["empty=; x=1"]).cookieValue("empty") == "")
        #expect(self.request([]).cookieValue("x") == nil)
        // The same as Hummingbird's own reading.
        #expect(request.cookieValue("hearth_session") == request.cookies["hearth_session"]?.value)
    }
}
