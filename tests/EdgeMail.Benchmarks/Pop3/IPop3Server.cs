namespace EdgeMail.Benchmarks.Pop3;

/// <summary>A POP3 server running on 127.0.0.1 with the benchmark's mailbox, and the process whose CPU time is measured.</summary>
internal interface IPop3Server : IAsyncDisposable
{
    string Name { get; }

    int Port { get; }

    string User { get; }

    string Password { get; }

    /// <summary>The process whose tree (it and its descendants) serves the sessions.</summary>
    int ProcessId { get; }
}
