namespace EdgeMail.Store.Accounts;

/// <summary>
/// The only form in which a password is stored: a SCRAM-SHA-256 secret (RFC 5802 §3, RFC 7677).
/// StoredKey = H(ClientKey) and ServerKey = HMAC(SaltedPassword, "Server Key"); neither lets anyone
/// log in without the password, yet both PLAIN/LOGIN and SCRAM-SHA-256 can be verified from them.
/// The store only keeps these bytes; EdgeMail.Auth derives and checks them.
/// </summary>
public sealed record ScramCredential(byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey);
