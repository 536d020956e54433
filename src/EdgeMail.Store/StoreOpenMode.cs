namespace EdgeMail.Store;

/// <summary>How a process opens the data folder.</summary>
public enum StoreOpenMode
{
    /// <summary>
    /// The mail service: takes the folder's lock (one service per folder), runs recovery, writes bodies.
    /// </summary>
    Service,

    /// <summary>
    /// The command line beside a running service: accounts, mailboxes and reads through SQLite's own
    /// locking; no recovery and no body writes, which belong to the service.
    /// </summary>
    Admin,
}
