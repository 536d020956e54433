namespace EdgeMail.Net;

// Connection ids in Kestrel's style: 13 base32 characters of a counter seeded with the start time, so ids are
// short, sortable within a run, and unlikely to repeat across restarts when logs are grepped.
internal static class ConnectionId
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
    private static long s_last = DateTime.UtcNow.Ticks;

    public static string Next() => string.Create(13, Interlocked.Increment(ref s_last), static (span, id) =>
    {
        for (int i = span.Length - 1; i >= 0; i--)
        {
            span[i] = Alphabet[(int)(id & 31)];
            id >>= 5;
        }
    });
}
