import Testing

@testable import HearthWeb

@Suite("Form bodies")
struct FormFieldsTests {
    @Test("plus is a space, %XX a byte, UTF-8 is kept and the first value of a name wins")
    func decoding() {
        let form = FormFields("csrf=a%2Bb&body=Caf%C3%A9+cr%C3%A8me+%26+%3D+50%25&body=second&empty=&bare&na%6De=x")
        #expect(form.text("csrf") == "a+b")
        #expect(form.text("body") == "Café crème & = 50%")
        #expect(form["empty"] == "")
        #expect(form["bare"] == "")
        #expect(form.text("name") == "x")
        #expect(form["missing"] == nil)
    }

    @Test("a broken escape or bytes that are not UTF-8 read as empty, never as garbage")
    func malformed() {
        let form = FormFields("a=%zz&b=%4&c=%FF%FE&d=ok&&=orphan")
        #expect(form.text("a") == "")
        #expect(form.text("b") == "")
        #expect(form.text("c") == "")
        #expect(form.text("d") == "ok")
        #expect(form[""] == "orphan")
    }
}
