using System.Text;
using EdgeMail.Delivery.Trace;

namespace EdgeMail.Delivery.Tests;

/// <summary>The loop check's count of Received fields: the header only, any case, whatever the write sizes.</summary>
public sealed class ReceivedCounterTests
{
    [Theory]
    [InlineData("Received: a\r\nReceived: b\r\n\r\nReceived: in the body\r\n", 2)]
    [InlineData("received: a\r\nRECEIVED: b\r\nX-Received: c\r\nReceived-SPF: pass\r\n\r\n", 2)]
    [InlineData("Subject: x\r\n Received: a folded line\r\n\r\n", 0)]
    [InlineData("Received: a\nReceived: bare LFs\n\nReceived: body\n", 2)]
    [InlineData("\r\nReceived: no header at all\r\n", 0)]
    public void Counts_the_fields_of_the_header(string message, int expected)
    {
        var bytes = Encoding.ASCII.GetBytes(message);
        foreach (var chunk in new[] { 1, 3, 7, bytes.Length })
        {
            var counter = new ReceivedCounter();
            for (var i = 0; i < bytes.Length; i += chunk)
            {
                counter.Add(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
            }

            Assert.Equal(expected, counter.Count);
        }
    }
}
