using System.Net;

namespace EdgeMail.Auth.Admin;

/// <summary>
/// An admin login: the account's address and its own password, and <see cref="Code"/> (a 6-digit TOTP code or a
/// recovery code) when TOTP is on, null or empty at first. <see cref="Remote"/> is the client's address, for the
/// login throttle.
/// </summary>
public sealed record AdminLoginRequest(string Address, string Password, string? Code, IPAddress Remote);
