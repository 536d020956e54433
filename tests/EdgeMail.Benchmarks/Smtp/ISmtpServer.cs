namespace EdgeMail.Benchmarks.Smtp;

/// <summary>A mail server under test: SMTP on 127.0.0.1, local delivery for ann@edgemail.local, relay of outside mail to the sink.</summary>
internal interface ISmtpServer : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }

    /// <summary>The roots of the server's process trees, whose /proc/PID/io and CPU time are summed.</summary>
    IReadOnlyCollection<int> ProcessRoots { get; }

    /// <summary>The commands that set the server up and started it, for the report.</summary>
    IReadOnlyList<string> Commands { get; }

    /// <summary>
    /// Messages in the local mailbox now, or null when the server cannot be asked while it runs (then delivery is
    /// the 250 reply, and the count is checked after the server stops).
    /// </summary>
    long? Delivered();
}
