// The step scripts run under bash with coreutils, as in their Linux pods.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
