"""The demo knowledge base's text: categories and articles as an IT department writes them.

Each article: (category, title, visibility, keywords, summary, body in Markdown)."""

from __future__ import annotations

CATEGORIES = [
    ("Accounts and sign-in", None, "Passwords, multi-factor authentication, locked accounts."),
    ("Network and remote access", None, "VPN, Wi-Fi and working from home."),
    ("VPN", "Network and remote access", "The GlobalProtect VPN client."),
    ("Wi-Fi", "Network and remote access", "Office and guest wireless networks."),
    ("E-mail and calendar", None, "Outlook on Windows, Mac and phones."),
    ("Meetings and Teams", None, "Calls, meetings, audio and video."),
    ("Printing", None, "Printers, scanning and secure print."),
    ("Laptops and workplace", None, "Hardware, docking stations, monitors."),
    ("Software and files", None, "Installing software, OneDrive, browsers."),
    ("Security", None, "Phishing, encryption, lost devices."),
    ("Service desk runbooks", None, "Procedures for the IT team."),
]

STAFF, E, P = "internal", "employees", "public"

ARTICLES = [
    (
        "Accounts and sign-in",
        "Reset your password",
        P,
        "password, forgot, expired, login",
        "Choose a new password yourself at any time, also when you forgot the old one.",
        """Your password expires every 180 days. You can change it before then, or reset it when you
have forgotten it.

## Reset a forgotten password

1. Open the sign-in page and choose **Forgot my password**.
2. Enter your work e-mail address.
3. Confirm with the code sent to your phone (the number you enrolled for MFA).
4. Choose a new password: at least 14 characters. A short sentence works well.

## Change a password you know

Press **Ctrl+Alt+Del** on a Windows laptop and choose **Change a password**, or use
*System Settings › Users & Groups* on a Mac.

> After a change, your phone asks for the new password the next time it syncs mail.
> Enter it there too, or your account may be locked after a few failed attempts.""",
    ),
    (
        "Accounts and sign-in",
        "Enrol in multi-factor authentication (MFA)",
        E,
        "mfa, 2fa, authenticator, two-factor, second factor",
        "Set up the Authenticator app on your phone so that sign-ins stay safe.",
        """Every account needs a second factor. Enrolment takes five minutes.

1. Install **Microsoft Authenticator** from the App Store or Google Play.
2. On your laptop, open `https://aka.ms/mysecurityinfo` and sign in.
3. Choose **Add sign-in method › Authenticator app** and scan the QR code with the app.
4. Approve the test notification on your phone.
5. Add your phone number as a backup method.

**Changing phones?** Add the new phone *before* you wipe the old one. If it is too late,
call the service desk: we will reset your methods after checking who you are.""",
    ),
    (
        "Accounts and sign-in",
        "Your account is locked",
        P,
        "locked, lockout, disabled, attempts",
        "Why accounts lock after failed sign-ins and how to get back in.",
        """An account locks for 15 minutes after 10 failed sign-ins in a row. It unlocks by itself.

Common causes:

- an old password saved on your phone, tablet or a mapped drive;
- a colleague's laptop still signed in with your account;
- typing the password with Caps Lock on.

Wait 15 minutes, then sign in once with the right password and update it on every device.
If it locks again, report an issue: we can see which device keeps trying.""",
    ),
    (
        "Accounts and sign-in",
        "Set up self-service password reset",
        E,
        "sspr, reset, security info",
        "Register your phone and a second e-mail so you can reset your password alone.",
        """Self-service reset needs two methods registered in advance.

1. Go to `https://aka.ms/ssprsetup`.
2. Confirm your mobile phone number.
3. Add a personal e-mail address (not your work one).

You can then reset your password at any hour without calling the service desk.""",
    ),
    (
        "Network and remote access",
        "Work from home: check your connection first",
        P,
        "home, broadband, slow, internet, router",
        "Five checks that fix most home connection problems before you call us.",
        """1. Restart your router: unplug it for 30 seconds.
2. Move closer to the router or use a network cable.
3. Open `https://status.northwind.example` to see whether a service is down for everyone.
4. Test your speed at a speed-test site: video calls need about 3 Mbit/s up and down.
5. Pause large downloads and streaming on other devices at home.

If the internet works but company applications do not, see the VPN articles.""",
    ),
    (
        "VPN",
        "Connect to the VPN on Windows",
        E,
        "vpn, globalprotect, remote, tunnel",
        "Install GlobalProtect and connect to the company network from anywhere.",
        """GlobalProtect is installed on every company laptop. Look for the globe icon in the
system tray.

1. Click the globe icon and choose **Connect**.
2. Portal address: `vpn.northwind.example` (filled in for you).
3. Sign in with your work account and approve the MFA prompt.
4. The icon shows a shield when you are connected.

If the icon is missing, open **Company Portal**, search for *GlobalProtect* and install it.

| Status | Meaning |
| --- | --- |
| Connected | You reach internal sites and drives. |
| Connecting… | Wait 30 seconds; if it stays, restart the laptop. |
| Not connected | Your internet may be down; check it first. |""",
    ),
    (
        "VPN",
        "Connect to the VPN on a Mac",
        E,
        "vpn, globalprotect, macos, remote",
        "GlobalProtect on macOS: install, allow the system extension, connect.",
        """1. Open **Self Service** and install *GlobalProtect*.
2. When macOS asks, open *System Settings › Privacy & Security* and **Allow** the
   Palo Alto Networks system extension.
3. Click the globe in the menu bar, portal `vpn.northwind.example`, then **Connect**.
4. Sign in and approve the MFA prompt.""",
    ),
    (
        "VPN",
        "The VPN disconnects every few minutes",
        E,
        "vpn, drops, disconnect, unstable",
        "What to try when the VPN keeps dropping, in the order that usually fixes it.",
        """1. Check your home internet first: does video streaming stutter too?
2. Switch from Wi-Fi to a cable, or move next to the router.
3. Turn off other VPN software (personal VPNs, some antivirus "secure browsing").
4. In GlobalProtect choose **Settings › Troubleshooting › Refresh connection**.
5. Restart the laptop.

Still dropping? Report an issue and attach the logs: **Settings › Troubleshooting ›
Collect logs**.""",
    ),
    (
        "Wi-Fi",
        "Connect to the office Wi-Fi",
        E,
        "wifi, wireless, corpnet, eduroam",
        "Company laptops join CorpNet by themselves; phones need one setting.",
        """**Laptops** join *CorpNet* automatically with a device certificate. If not, restart
the laptop in the office once while connected to a cable.

**Company phones** pick up *CorpNet* from their management profile.

**Personal phones** use *Northwind-Guest* (see the guest Wi-Fi article); they never join
CorpNet.""",
    ),
    (
        "Wi-Fi",
        "Guest Wi-Fi for visitors",
        P,
        "guest, visitor, wifi, voucher",
        "Visitors get a day voucher for Northwind-Guest at reception.",
        """1. Ask reception for a guest voucher (valid 24 hours).
2. Join the network *Northwind-Guest*.
3. A page opens: enter the voucher code and accept the terms.

The guest network reaches the internet only. It is not for company laptops.""",
    ),
    (
        "E-mail and calendar",
        "Repair your Outlook profile",
        E,
        "outlook, profile, crash, repair, ost, password prompt",
        "When Outlook crashes, asks for your password again and again or stops syncing.",
        """A new profile fixes most of Outlook's lasting problems. Your mail stays on the server.

1. Close Outlook.
2. Open **Control Panel › Mail (Microsoft Outlook)** and choose **Show Profiles**.
3. Click **Add…**, name the profile *Outlook2*, and follow the wizard with your e-mail
   address.
4. Choose **Always use this profile › Outlook2** and click **OK**.
5. Start Outlook. The first sync may take a while on a large mailbox.

When the new profile works, remove the old one in the same window.

> Outlook asks for the password in a loop? Remove the saved entries first: open
> **Credential Manager › Windows Credentials** and delete every entry starting with
> `MicrosoftOffice`.""",
    ),
    (
        "E-mail and calendar",
        "Open a shared mailbox",
        E,
        "shared mailbox, delegate, team inbox",
        "Shared mailboxes appear in Outlook by themselves once you have access.",
        """1. Ask the mailbox owner to request access for you in the portal (*Request › Shared
   mailbox access*).
2. Once approved, restart Outlook: the mailbox appears in the folder pane within an hour.
3. In Outlook on the web, right-click **Folders › Add shared folder or mailbox**.""",
    ),
    (
        "E-mail and calendar",
        "Set an out-of-office reply",
        P,
        "out of office, automatic reply, ooo",
        "Tell people you are away, with different messages inside and outside the company.",
        """In Outlook: **File › Automatic Replies**, choose *Send automatic replies*, set the
dates and write your message. Fill in both tabs: **Inside My Organisation** and **Outside**.

On a phone: *Settings › Automatic replies* in the Outlook app.""",
    ),
    (
        "E-mail and calendar",
        "Add your work e-mail to your phone",
        E,
        "phone, mobile, mail, ios, android",
        "Use the Outlook app; the built-in mail apps are blocked.",
        """1. Install **Microsoft Outlook** from the store.
2. Sign in with your work address and approve the MFA prompt.
3. Accept the **Intune** protection prompt: it keeps work data separate from your own.

The phone's own Mail app cannot connect; this is on purpose.""",
    ),
    (
        "E-mail and calendar",
        "Your mailbox is full",
        E,
        "quota, mailbox full, archive, storage",
        "Free space by emptying Deleted Items and turning on the online archive.",
        """Mailboxes hold 50 GB. When you get the warning:

1. Empty **Deleted Items** and **Junk**.
2. Sort by size (*View › Arrange by › Size*) and delete large old attachments.
3. Move older mail to **Online Archive** (every mailbox has one, 100 GB).

Archive policy moves mail older than two years there automatically.""",
    ),
    (
        "Meetings and Teams",
        "Fix Teams audio: nobody hears you",
        E,
        "teams, audio, microphone, sound, headset",
        "Check the device Teams uses, the mute switch and Windows' microphone access.",
        """1. In the meeting, click **More › Settings › Device settings** and pick your headset
   for both speaker and microphone.
2. Check the headset's own mute switch or the button on its cable.
3. Windows: *Settings › Privacy › Microphone*: **Allow apps to access your microphone**
   must be on.
4. Make a test call: **Settings › Devices › Make a test call**.
5. Unplug the headset, plug it in again, and restart Teams.

Bluetooth headsets sometimes connect as "hands-free" with poor sound. Choose the entry
named *Stereo* or the headset's USB dongle instead.""",
    ),
    (
        "Meetings and Teams",
        "Your camera does not work in Teams",
        E,
        "teams, camera, webcam, video",
        "When the camera is black or missing in Teams.",
        """- Close other apps that may use the camera (Zoom, the Camera app).
- Some laptops have a privacy shutter or a camera key (F8 or F10): open it.
- **Settings › Devices › Camera** in Teams: pick the right camera.
- Windows: *Settings › Privacy › Camera* must allow desktop apps.""",
    ),
    (
        "Meetings and Teams",
        "Share your screen in a Teams meeting",
        P,
        "teams, share, screen, present",
        "Share one window or the whole screen, and let others take control.",
        """Click **Share** in the meeting bar, then choose a **window** (safer: others see only
that window) or a **screen**. Turn on *Include computer sound* to play a video.

On a Mac, allow screen recording the first time: *System Settings › Privacy & Security ›
Screen Recording › Microsoft Teams*.""",
    ),
    (
        "Meetings and Teams",
        "Book and use a meeting room",
        E,
        "meeting room, booking, display",
        "Rooms are booked in Outlook; the room display starts the Teams meeting.",
        """Add the room as a **location** in your Outlook invitation; rooms accept if free.
In the room, tap **Join** on the console: the meeting starts on the screen and the
ceiling microphones.""",
    ),
    (
        "Printing",
        "Map a network printer on Windows",
        E,
        "printer, print, map, add printer",
        "Add an office printer to your laptop in a minute.",
        """1. Open **Settings › Bluetooth & devices › Printers & scanners**.
2. Click **Add device**. Printers near you appear by name, for example *PAR-3F-MFP1*.
3. If yours is not listed, choose **Add manually › Select a shared printer by name** and
   type `\\\\print.northwind.example\\PAR-3F-MFP1`.
4. Print a test page.

The printer name is on the sticker on its front panel.""",
    ),
    (
        "Printing",
        "Add a printer on a Mac",
        E,
        "printer, mac, macos, print",
        "Office printers on macOS through Self Service.",
        """Open **Self Service**, search for the printer's name (on its sticker) and click
**Install**. The driver and the queue are set up for you.""",
    ),
    (
        "Printing",
        "Secure print: release your print job",
        E,
        "secure print, follow me, badge",
        "Jobs wait until you badge in at any printer.",
        """Send your document to *Northwind-Secure*. At any printer, hold your badge on the
reader, then tap **Print all**. Jobs not released within 24 hours are deleted.""",
    ),
    (
        "Printing",
        "The printer jams or is out of toner",
        P,
        "jam, toner, paper, printer error",
        "Clear a paper jam safely, and who replaces toner.",
        """Follow the animation on the printer's screen to open the right door; pull paper out
slowly in the direction it travels. Toner and paper are refilled by the facilities team:
report it with the printer's name from its sticker.""",
    ),
    (
        "Laptops and workplace",
        "Use a docking station with your laptop",
        E,
        "dock, docking station, usb-c, thunderbolt, hot desk",
        "One USB-C cable gives you power, screens, network and keyboard at any desk.",
        """Every desk has a **Dell WD19** dock.

1. Plug the dock's USB-C cable into the laptop's port with the lightning or DisplayPort
   icon.
2. Wait ten seconds: the screens, keyboard and network come up.
3. Arrange the screens in *Settings › System › Display*.

**Nothing happens?** Unplug the dock's power for ten seconds, plug it back, then the
laptop. Update the dock firmware from **Company Portal › Dell Command Update**.""",
    ),
    (
        "Laptops and workplace",
        "Two external monitors show the same picture",
        E,
        "monitor, screen, display, extend, duplicate",
        "Switch from duplicate to extend, and which ports drive two screens.",
        """Press **Windows+P** and choose **Extend**. Both monitors must be plugged into the
dock, not one into the laptop. Some older laptops drive only one external screen: check
the laptop model in the hardware list.""",
    ),
    (
        "Laptops and workplace",
        "Your laptop battery drains fast",
        E,
        "battery, power, drain",
        "Settings that make a working day out of one charge.",
        """- Lower the screen brightness; it is the largest consumer.
- *Settings › System › Power* : choose **Balanced**.
- Close browser tabs playing video.
- A battery older than three years that lasts less than two hours is replaced: report it.""",
    ),
    (
        "Laptops and workplace",
        "Request a new laptop, monitor or accessory",
        P,
        "request, hardware, new laptop, headset, keyboard",
        "Order hardware from the service catalogue; your manager approves.",
        """Open the portal and choose **Request › Hardware**. Pick the item, say why you need it
and submit. Your manager approves, then we deliver to your desk, usually within five
working days.""",
    ),
    (
        "Laptops and workplace",
        "Connect a keyboard and mouse",
        E,
        "keyboard, mouse, bluetooth, usb",
        "USB, the dock, or Bluetooth pairing.",
        """USB devices work when plugged into the dock or the laptop. For Bluetooth, hold the
pairing button until it blinks, then *Settings › Bluetooth & devices › Add device*.""",
    ),
    (
        "Software and files",
        "Install software from Company Portal",
        E,
        "software, install, company portal, application",
        "Approved software installs in one click, without an administrator.",
        """Open **Company Portal** from the Start menu, search for the application and click
**Install**. Software that is not listed can be requested in the portal (*Request ›
Software*); licences may need your manager's approval.""",
    ),
    (
        "Software and files",
        "OneDrive does not sync",
        E,
        "onedrive, sync, files, cloud",
        "Red crosses or a paused cloud icon: what they mean and how to fix them.",
        """1. Click the cloud icon in the system tray and read the message.
2. **Paused**: click *Resume syncing*.
3. **Sign-in required**: sign in again.
4. A file with a red cross: its name may contain `" * : < > ? / \\ |` or be too long;
   rename it.
5. Still stuck: *Settings › Account › Unlink this PC*, then sign in again. Your files stay
   online.""",
    ),
    (
        "Software and files",
        "Restore a deleted file",
        P,
        "restore, deleted, recycle bin, version",
        "Deleted files stay in the OneDrive recycle bin for 93 days.",
        """Open OneDrive on the web, choose **Recycle bin**, select the file and **Restore**.
For an older version of a file that still exists: right-click it, **Version history**.""",
    ),
    (
        "Software and files",
        "Clear your browser's cache",
        P,
        "browser, cache, cookies, edge, chrome",
        "Fixes pages that look broken or show old content.",
        """Press **Ctrl+Shift+Delete** in Edge, Chrome or Firefox, choose *Cached images and
files*, time range *All time*, and clear. Keep *Passwords* unticked.""",
    ),
    (
        "Security",
        "Report a phishing e-mail",
        P,
        "phishing, spam, scam, suspicious",
        "Use the Report button; never click links in a mail you doubt.",
        """In Outlook, select the message and click **Report › Phishing**. The mail is removed
and the security team is told. Clicked a link or typed your password? Change your
password at once and report an issue marked **urgent**.""",
    ),
    (
        "Security",
        "Encrypt a USB drive",
        E,
        "usb, encryption, bitlocker, removable",
        "Company laptops write only to encrypted USB drives.",
        """Plug in the drive and choose **Encrypt with BitLocker** when asked. Choose a
password and save the recovery key to your OneDrive. Unencrypted drives are read-only.""",
    ),
    (
        "Security",
        "Your laptop was lost or stolen",
        P,
        "lost, stolen, theft, wipe",
        "Tell us at once: we lock and wipe the device remotely.",
        """Call the service desk immediately, whatever the hour, and report the theft to the
police. We lock the laptop, wipe it remotely and prepare a replacement. Your files are
safe in OneDrive.""",
    ),
    (
        "Service desk runbooks",
        "Runbook: reset a user's MFA methods",
        STAFF,
        "mfa, reset, identity, verification",
        "Only after the caller's identity is verified by the callback procedure.",
        """1. Verify identity: call back on the number in the HR directory, never the one the
   caller gives.
2. Entra admin centre › Users › *user* › **Authentication methods › Require re-register
   MFA**.
3. Revoke sessions: **Revoke sessions**.
4. Note the verification in the ticket's internal note.""",
    ),
    (
        "Service desk runbooks",
        "Runbook: unlock an account and find the locking device",
        STAFF,
        "lockout, unlock, event 4740, domain controller",
        "Find the source of repeated lockouts in the security log.",
        """Search the domain controllers' security log for **event 4740** with the user name;
*Caller Computer Name* is the device. Unlock in *Active Directory Users and Computers*
and ask the user to update the saved password there.""",
    ),
    (
        "Service desk runbooks",
        "Runbook: prepare a laptop for a new starter",
        STAFF,
        "new starter, onboarding, autopilot, build",
        "Autopilot build, checks and hand-over.",
        """1. Register the serial number in Autopilot with the user's group tag.
2. Unbox, connect to a cable, sign in as the user: the build takes about 40 minutes.
3. Check: BitLocker on, Company Portal apps installed, VPN connects.
4. Record the asset against the person and hand over with the welcome leaflet.""",
    ),
]

DRAFTS = [
    (
        "VPN",
        "Try the new VPN client (pilot)",
        E,
        "vpn, pilot, zscaler",
        "For the pilot group only: install and test the new client.",
        """The pilot runs until the end of the quarter.

1. Install *Zscaler Client Connector* from Company Portal.
2. Sign in with your work account.

*To do: screenshots of the first sign-in.*""",
    ),
    (
        "Laptops and workplace",
        "Set up an eSIM on your company phone",
        E,
        "esim, phone, mobile",
        "Activate mobile data with the QR code from the telecom team.",
        """Scan the QR code under *Settings › Mobile data › Add eSIM*. *(Draft: check the
Android steps.)*""",
    ),
    (
        "Printing",
        "Scan to e-mail from the office printers",
        E,
        "scan, scanner, e-mail",
        "Scan a document straight into your inbox.",
        """Badge in, choose **Scan to me**, place the pages and press **Start**.""",
    ),
]

IN_REVIEW = (
    "Meetings and Teams",
    "Join a Teams meeting from a meeting-room display",
    E,
    "teams room, display, proximity join",
    "Join from your laptop and move the meeting to the room screen.",
    """Open the meeting on your laptop, choose **Room audio** when Teams detects the room,
and the meeting moves to the room display. Your laptop's microphone and speaker turn off
so that there is no echo.""",
)

RETIRED = (
    "VPN",
    "Connect with the old AnyConnect VPN",
    E,
    "anyconnect, cisco, vpn",
    "Replaced by GlobalProtect.",
    """AnyConnect was switched off. Use GlobalProtect instead.""",
)

EDITS = {
    "Connect to the VPN on Windows": "Added the status table.",
    "Repair your Outlook profile": "Added the Credential Manager step.",
    "Reset your password": "Password length is now 14 characters.",
    "Fix Teams audio: nobody hears you": "Bluetooth hands-free tip.",
    "OneDrive does not sync": "Unlink as the last resort.",
}
"""Articles whose demo history has an earlier version (without the last paragraph), and the
note of the change."""
