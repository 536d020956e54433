using System.Net;

namespace EdgeMail.Auth.Pairing;

/// <summary>
/// A pairing request: the account (its address and main password) and the name of the device to make an app password
/// for; <see cref="Remote"/> is the requester's address, for the login throttle.
/// </summary>
public sealed record PairingRequest(string Address, string Password, string DeviceName, IPAddress Remote);
