/** Tells Rowbridge about every saved, deleted or restored Lead (see RowbridgeNotifier). */
trigger RowbridgeLeadTrigger on Lead (after insert, after update, after delete, after undelete) {
    RowbridgeNotifier.notify('Lead', Trigger.isDelete ? Trigger.old : Trigger.new);
}
