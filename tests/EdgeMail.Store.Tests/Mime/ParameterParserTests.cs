using EdgeMail.Store.Mime;

namespace EdgeMail.Store.Tests.Mime;

/// <summary>Content-Type and Content-Disposition parameters as BODYSTRUCTURE gives them (RFC 2045 §5.1, RFC 2231).</summary>
public sealed class ParameterParserTests
{
    [Theory]
    [InlineData("text/plain; charset=us-ascii", "charset=us-ascii")]
    [InlineData("text/plain; charset=\"utf-8\" (comment); format=flowed", "charset=utf-8|format=flowed")]
    [InlineData("attachment; filename*0*=UTF-8''%E6; filename*1=x", "filename*=UTF-8''%E6x")]
    // Found by the mime fuzz target: a value without a name kept the parser on its "=" for ever (a delivery that
    // never ended). It is dropped; what follows it is still read.
    [InlineData("text/plain;=x", "")]
    [InlineData("text/plain; =x; charset=utf-8", "charset=utf-8")]
    [InlineData("text/plain;=\"quoted; still the value\";format=fixed", "format=fixed")]
    [InlineData("text/plain;=", "")]
    [InlineData("text/plain;==;=", "")]
    public async Task Parameters_are_read_and_a_value_without_a_name_is_dropped(string header, string expected)
    {
        // A hang fails with TimeoutException instead of holding the test run.
        var parameters = await Task.Run(() => ParameterParser.Parse(header)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(expected, string.Join('|', parameters.Select(p => $"{p.Name}={p.Value}")));
    }
}
